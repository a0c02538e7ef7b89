# METADATA
# title: Inferred political interests are not kept or shared
# description: |
#   The platform does not store interest segments that infer users' political opinions
#   for advertising, and does not share such segments with third parties.
# related_resources:
#   - ref: https://eur-lex.europa.eu/eli/reg/2016/679/oj#art_5
#     description: GDPR Art 5(1)(c)
#   - ref: https://eur-lex.europa.eu/eli/reg/2016/679/oj#art_9
#     description: GDPR Art 9
#   - ref: https://eur-lex.europa.eu/eli/reg/2022/2065/oj#art_26
#     description: DSA Art 26(3)
# custom:
#   id: MIN-04
#   severity: high
#   aceeeo: [R3]
#   rationale: |
#     An inferred political interest is special-category data the user never gave; kept
#     or passed on, it lets others target or pressure voters by their presumed opinions.
#   applies_when: Always.
#   remediation: Stop storing inferred political-interest segments and stop sharing them.
#   basis: standard
#   basis_note: DSA Art 26(3) bans presenting ads based on profiling with special-category data
#     and GDPR Art 9 allows processing on an Art 9(2) ground; the ban on storing and sharing
#     inferred political segments is the standard's.
#   references:
#   - cites: GDPR Art 5(1)(c)
#     state: confirmed
#     words: '"adequate, relevant and limited to what is necessary … (‘data minimisation’)"'
#     read_in: the Official Journal text (copy in github.com/kasnder/eur-lex-visualiser, commit
#       0fc8465)
#   - cites: GDPR Art 9
#     state: confirmed
#     words: Art 9(1) prohibits processing data "revealing … political opinions" unless a 9(2)
#       ground applies
#     read_in: the Official Journal text (copy in github.com/kasnder/eur-lex-visualiser, commit
#       0fc8465)
#   - cites: DSA Art 26(3)
#     state: confirmed
#     words: '"shall not present advertisements … based on profiling … using special categories
#       of personal data"'
#     read_in: the Official Journal text (copy in github.com/kasnder/eur-lex-visualiser, commit
#       0fc8465)
package edhs.min.inferred_political_interests

import data.edhs.lib
import rego.v1

default applicable := true

stored_field := ["processing", "inferred_political_interests", "stored"]

shared_field := ["processing", "inferred_political_interests", "shared"]

never_stored if input.processing.inferred_political_interests.stored == false

never_shared if input.processing.inferred_political_interests.shared == false

deny contains lib.finding(stored_field, msg) if {
	not never_stored
	msg := lib.message(
		"processing.inferred_political_interests.stored is {declared}; the standard requires that inferred political-interest segments are not stored",
		{"declared": lib.declared(stored_field)},
	)
}

deny contains lib.finding(shared_field, msg) if {
	not never_shared
	msg := lib.message(
		"processing.inferred_political_interests.shared is {declared}; the standard requires that inferred political-interest segments are not shared with third parties",
		{"declared": lib.declared(shared_field)},
	)
}
