# METADATA
# title: The privacy notice explains election-related processing plainly
# description: |
#   The privacy notice has a plain-language section on election-related processing, and
#   the notice is available in every language of the covered elections.
# related_resources:
#   - ref: https://eur-lex.europa.eu/eli/reg/2016/679/oj#art_12
#     description: GDPR Art 12(1)
#   - ref: https://eur-lex.europa.eu/eli/reg/2016/679/oj#art_13
#     description: GDPR Art 13
# custom:
#   id: EDU-01
#   severity: medium
#   aceeeo: [R5]
#   rationale: |
#     Voters can only understand and object to how their data is used around an election
#     if that is explained plainly, in a language they read.
#   applies_when: Always.
#   remediation: Add a plain-language election section to the privacy notice and translate it into every election language.
#   basis: law+threshold
#   basis_note: GDPR Art 12-13 require clear information on processing; every official language
#     of the covered jurisdictions is the standard's choice.
#   references:
#   - cites: GDPR Art 12(1)
#     state: confirmed
#     words: '"concise, transparent, intelligible and easily accessible form, using clear and
#       plain language"'
#     read_in: the Official Journal text (copy in github.com/kasnder/eur-lex-visualiser, commit
#       0fc8465)
#   - cites: GDPR Art 13
#     state: confirmed
#     words: '13(1)(c): "the purposes of the processing … as well as the legal basis for the
#       processing"'
#     read_in: the Official Journal text (copy in github.com/kasnder/eur-lex-visualiser, commit
#       0fc8465)
package edhs.edu.privacy_notice

import data.edhs.lib
import rego.v1

default applicable := true

section_field := ["user_information", "privacy_notice", "election_section"]

languages_field := ["user_information", "privacy_notice", "languages"]

missing_languages := lib.missing(lib.election_languages, object.get(input, languages_field, []))

has_election_section if input.user_information.privacy_notice.election_section == true

in_every_election_language if lib.covers_election_languages(missing_languages)

deny contains lib.finding(section_field, msg) if {
	not has_election_section
	msg := lib.message(
		"user_information.privacy_notice.election_section is {declared}; the standard requires a plain-language section on election-related processing",
		{"declared": lib.declared(section_field)},
	)
}

deny contains lib.finding(languages_field, msg) if {
	not in_every_election_language
	msg := lib.message(
		"user_information.privacy_notice.languages is {declared}; the standard requires the notice in every language of {source} ({required}); missing: {missing}",
		{
			"declared": lib.declared(languages_field),
			"source": lib.elections_source,
			"required": lib.election_languages,
			"missing": lib.language_gap(missing_languages),
		},
	)
}
