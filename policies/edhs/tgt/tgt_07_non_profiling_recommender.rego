# METADATA
# title: Users can turn off profiling-based recommendations
# description: |
#   The platform offers at least one option of its recommender systems that is not
#   based on profiling, and makes it easy to select.
# related_resources:
#   - ref: https://eur-lex.europa.eu/eli/reg/2022/2065/oj#art_38
#     description: DSA Art 38
#   - ref: https://eur-lex.europa.eu/eli/reg/2022/2065/oj#art_27
#     description: DSA Art 27(3) (option selectable, "directly and easily accessible")
# custom:
#   id: TGT-07
#   severity: medium
#   aceeeo: [R4]
#   rationale: |
#     A feed ranked on profiling decides which political content a voter sees; a
#     non-profiling option lets voters step out of that selection.
#   applies_when: Very large online platforms (DSA Art 33).
#   remediation: Offer a feed that is not based on profiling and make it easy to choose.
#   basis: law
#   references:
#   - cites: DSA Art 38
#     state: confirmed
#     words: '"at least one option for each of their recommender systems which is not based
#       on profiling"'
#     read_in: the Official Journal text (copy in github.com/kasnder/eur-lex-visualiser, commit
#       0fc8465)
#   - cites: DSA Art 27(3) (option selectable, "directly and easily accessible")
#     state: confirmed
#     words: '"directly and easily accessible"'
#     read_in: the Official Journal text (copy in github.com/kasnder/eur-lex-visualiser, commit
#       0fc8465)
package edhs.tgt.non_profiling_recommender

import data.edhs.lib
import rego.v1

default applicable := false

applicable if lib.vlop

field := ["recommender", "non_profiling_option"]

non_profiling_option_offered if input.recommender.non_profiling_option == true

deny contains lib.finding(field, msg) if {
	applicable
	not non_profiling_option_offered
	msg := lib.message(
		"recommender.non_profiling_option is {declared}; the standard requires at least one recommender option not based on profiling",
		{"declared": lib.declared(field)},
	)
}
