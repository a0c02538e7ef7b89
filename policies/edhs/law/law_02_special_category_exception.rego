# METADATA
# title: Political opinions are processed only under an Art 9(2) exception
# description: |
#   Any processing purpose that uses special categories of personal data (political
#   opinions, religious beliefs, ethnic origin, health, sexual orientation, biometrics)
#   states the GDPR Art 9(2) exception it relies on, and that exception is the user's
#   explicit consent: a platform is not a political body that could rely on another one.
# related_resources:
#   - ref: https://eur-lex.europa.eu/eli/reg/2016/679/oj#art_9
#     description: GDPR Art 9(1)
#   - ref: https://eur-lex.europa.eu/eli/reg/2016/679/oj#art_9
#     description: GDPR Art 9(2)(a)
#   - ref: https://www.edpb.europa.eu/our-work-tools/our-documents/statements/statement-22019-use-personal-data-course-political-campaigns_en
#     description: EDPB Statement 2/2019 on the use of personal data in the course of political
#       campaigns
# custom:
#   id: LAW-02
#   severity: critical
#   aceeeo: [R3]
#   rationale: |
#     Data revealing political opinions is the most sensitive data in an election: processed
#     without explicit consent it exposes voters to profiling, pressure and discrimination.
#   applies_when: Always.
#   remediation: Obtain explicit consent for every purpose that uses special-category data, or stop processing that data.
#   basis: law+threshold
#   basis_note: GDPR Art 9(2) allows several grounds for processing political opinions; the
#     standard accepts only explicit consent, Art 9(2)(a).
#   references:
#   - cites: GDPR Art 9(1)
#     state: confirmed
#     words: '"Processing of personal data revealing … political opinions … shall be prohibited."'
#     read_in: the Official Journal text (copy in github.com/kasnder/eur-lex-visualiser, commit
#       0fc8465)
#   - cites: GDPR Art 9(2)(a)
#     state: confirmed
#     words: '"the data subject has given explicit consent … for one or more specified purposes";
#       9(2)(d) is the political-body ground'
#     read_in: the Official Journal text (copy in github.com/kasnder/eur-lex-visualiser, commit
#       0fc8465)
#   - cites: EDPB Statement 2/2019 on the use of personal data in the course of political campaigns
#     state: unconfirmed
#     note: the statement text was not read (it exists); a summary says political-opinion data
#       "in most cases … will require explicit, specific, fully informed, and freely given consent"
#       (https://dataprivacy.foxrothschild.com/2019/03/articles/european-union/european-data-protection-board-issues-statement-on-data-processing-in-political-campaigns/)
package edhs.law.special_category_exception

import data.edhs.lib
import rego.v1

default applicable := true

purposes_field := ["processing", "purposes"]

# The special categories of data a purpose declares, and broader categories that may
# contain them.
special_categories_of(purpose) := lib.special_categories(purpose.data_categories)

processes_special_categories(purpose) if count(special_categories_of(purpose)) > 0

declares_data_categories(purpose) if is_array(purpose.data_categories)

under_explicit_consent(purpose) if purpose.special_category_basis == "explicit_consent"

purposes_declared if is_array(input.processing.purposes)

deny contains lib.finding(purposes_field, msg) if {
	not purposes_declared
	msg := "processing.purposes is not stated; the standard requires every purpose that processes special-category data to be declared with its Art 9(2) exception"
}

deny contains lib.finding(field, msg) if {
	some i, purpose in input.processing.purposes
	processes_special_categories(purpose)
	not under_explicit_consent(purpose)
	field := array.concat(purposes_field, [i, "special_category_basis"])
	msg := lib.message(
		"purpose '{purpose}' processes special-category data, or broader categories that may contain it ({categories}), with special_category_basis {declared}; the standard requires explicit_consent",
		{
			"purpose": lib.declared(array.concat(purposes_field, [i, "name"])),
			"categories": special_categories_of(purpose),
			"declared": lib.declared(field),
		},
	)
}

# Without its data categories a purpose cannot be shown to stay clear of special-category
# data, so it must then rely on explicit consent.
deny contains lib.finding(field, msg) if {
	some i, purpose in input.processing.purposes
	not declares_data_categories(purpose)
	not under_explicit_consent(purpose)
	field := array.concat(purposes_field, [i, "data_categories"])
	msg := lib.message(
		"purpose '{purpose}' declares no data categories; the standard needs them to tell whether it processes special-category data, which requires explicit_consent",
		{"purpose": lib.declared(array.concat(purposes_field, [i, "name"]))},
	)
}

# A category the taxonomy does not hold cannot be shown to stay clear of special-category
# data either.
deny contains lib.finding(field, msg) if {
	some i, purpose in input.processing.purposes
	unknown := lib.unknown_categories(purpose.data_categories)
	count(unknown) > 0
	not under_explicit_consent(purpose)
	field := array.concat(purposes_field, [i, "data_categories"])
	msg := lib.message(
		"purpose '{purpose}' declares data categories the fideslang taxonomy does not hold ({unknown}); the standard cannot tell whether they are special-category data, which requires explicit_consent",
		{"purpose": lib.declared(array.concat(purposes_field, [i, "name"])), "unknown": unknown},
	)
}
