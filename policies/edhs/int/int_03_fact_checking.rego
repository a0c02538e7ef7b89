# METADATA
# title: Fact-checking covers every election language
# description: |
#   Independent fact-checkers work in every language of each covered election, and their
#   ratings reduce the reach of false content.
# related_resources:
#   - ref: https://digital-strategy.ec.europa.eu/en/policies/code-practice-disinformation
#     description: Code of Practice on Disinformation, commitments 30–31 (fact-checking)
# custom:
#   id: INT-03
#   severity: high
#   aceeeo: [R7]
#   rationale: |
#     False election information spreads in every language voters use; a language without
#     fact-checkers leaves its voters unprotected.
#   applies_when: Always.
#   remediation: Extend fact-checking to every language of the covered elections.
#   basis: standard
#   basis_note: Fact-checking rests on voluntary Code of Practice commitments; covering every
#     election language is the standard's.
#   references:
#   - cites: Code of Practice on Disinformation, commitments 30–31 (fact-checking)
#     state: unconfirmed
#     note: the commitment number and text were not read
package edhs.int.fact_checking

import data.edhs.lib
import rego.v1

default applicable := true

field := ["integrity", "fact_checking", "languages"]

missing_languages := lib.missing(lib.election_languages, object.get(input, field, []))

covers_every_election_language if lib.covers_election_languages(missing_languages)

deny contains lib.finding(field, msg) if {
	not covers_every_election_language
	msg := lib.message(
		"integrity.fact_checking.languages is {declared}; the standard requires every language of {source} ({required}); missing: {missing}",
		{
			"declared": lib.declared(field),
			"source": lib.elections_source,
			"required": lib.election_languages,
			"missing": lib.language_gap(missing_languages),
		},
	)
}
