# METADATA
# title: Election-specific risk measures run before, during and after the vote
# description: |
#   A very large platform plans election-specific risk-mitigation measures for each of
#   the three phases of an election: before it, on election day and after it.
# related_resources:
#   - ref: https://digital-strategy.ec.europa.eu/en/library/guidelines-providers-vlops-and-vloses-mitigation-systemic-risks-electoral-processes
#     description: Commission Guidelines C/2024/3014 (measures before, during and after elections)
#   - ref: https://eur-lex.europa.eu/eli/reg/2022/2065/oj#art_35
#     description: DSA Art 35(1)
# custom:
#   id: INT-05
#   severity: high
#   aceeeo: [R7]
#   rationale: |
#     Risks change over an election: disinformation builds up before it, peaks on polling
#     day and turns to contesting the result after it, so measures must cover every phase.
#   applies_when: Very large online platforms (DSA Art 33).
#   remediation: Plan risk measures for the pre-election period, election day and the post-election period.
#   basis: law
#   references:
#   - cites: Commission Guidelines C/2024/3014 (measures before, during and after elections)
#     state: unconfirmed
#     note: 'the number C/2024/3014 was not found in any source read and the guidelines were
#       not read (the Commission page says they were adopted on 26 April 2024); a secondary
#       source supports the substance: measures "to be undertaken … before, during, and after
#       electoral events" (https://www.ictbusiness.biz/business/ec-revealed-dsa-guidelines-for-election-online-risks)'
#   - cites: DSA Art 35(1)
#     state: confirmed
#     words: '"reasonable, proportionate and effective mitigation measures"'
#     read_in: the Official Journal text (copy in github.com/kasnder/eur-lex-visualiser, commit
#       0fc8465)
package edhs.int.election_measures

import data.edhs.lib
import rego.v1

default applicable := false

applicable if lib.vlop

field := ["integrity", "election_measures", "phases"]

required_phases := ["pre_election", "election_day", "post_election"]

missing_phases := lib.missing(required_phases, object.get(input, field, []))

covers_every_phase if count(missing_phases) == 0

deny contains lib.finding(field, msg) if {
	applicable
	not covers_every_phase
	msg := lib.message(
		"integrity.election_measures.phases is {declared}; the standard requires measures in every phase ({required}); missing: {missing}",
		{
			"declared": lib.declared(field),
			"required": required_phases,
			"missing": missing_phases,
		},
	)
}
