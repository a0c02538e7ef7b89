# METADATA
# title: Election-specific risk measures run before, during and after the vote
# description: |
#   A very large platform plans election-specific risk-mitigation measures for each of
#   the three phases of an election: before it, on election day and after it.
# related_resources:
#   - ref: https://eur-lex.europa.eu/eli/C/2024/3014/oj
#     description: Commission Guidelines C/2024/3014
#   - ref: https://eur-lex.europa.eu/eli/reg/2022/2065/oj
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
package edhs.int.election_measures

import data.edhs.lib
import rego.v1

default applicable := false

applicable if input.platform.is_vlop == true

field := ["integrity", "election_measures", "phases"]

required_phases := ["pre_election", "election_day", "post_election"]

missing_phases := lib.missing(required_phases, object.get(input, field, []))

covers_every_phase if count(missing_phases) == 0

deny contains lib.finding(field, msg) if {
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
