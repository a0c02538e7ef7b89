# METADATA
# title: Systemic risks to electoral processes are assessed yearly
# description: |
#   The platform's systemic-risk assessment explicitly covers negative effects on civic
#   discourse and electoral processes, and was completed no more than a set number of
#   months (12 by default) before the declaration was submitted.
# related_resources:
#   - ref: https://eur-lex.europa.eu/eli/reg/2022/2065/oj#art_34
#     description: DSA Art 34(1)(c) (civic discourse and electoral processes)
#   - ref: https://eur-lex.europa.eu/eli/reg/2022/2065/oj#art_34
#     description: DSA Art 34(1), second subparagraph (at least once every year)
# custom:
#   id: GOV-05
#   severity: high
#   aceeeo: [R7]
#   rationale: |
#     A very large platform can shape civic discourse; an assessment that leaves out
#     electoral processes, or is out of date, misses the risks of the coming vote.
#   applies_when: Very large online platforms (DSA Art 33).
#   remediation: Include electoral processes in the systemic-risk assessment and keep it current.
#   basis: law
#   references:
#   - cites: DSA Art 34(1)(c) (civic discourse and electoral processes)
#     state: confirmed
#     words: '"any actual or foreseeable negative effects on civic discourse and electoral processes,
#       and public security"'
#     read_in: the Official Journal text (copy in github.com/kasnder/eur-lex-visualiser, commit
#       0fc8465)
#   - cites: DSA Art 34(1), second subparagraph (at least once every year)
#     state: confirmed
#     words: '"and at least once every year thereafter"'
#     read_in: the Official Journal text (copy in github.com/kasnder/eur-lex-visualiser, commit
#       0fc8465)
package edhs.gov.systemic_risk_assessment

import data.edhs.lib
import rego.v1

default applicable := false

applicable if lib.vlop

max_age := data.edhs.params.max_risk_assessment_age_months

coverage_field := ["governance", "risk_assessment", "covers_electoral_processes"]

completed_field := ["governance", "risk_assessment", "last_completed"]

covers_electoral_processes if input.governance.risk_assessment.covers_electoral_processes == true

completed_recently if lib.within_months(input.governance.risk_assessment.last_completed, lib.reference_date, max_age)

deny contains lib.finding(coverage_field, msg) if {
	applicable
	not covers_electoral_processes
	msg := lib.message(
		"governance.risk_assessment.covers_electoral_processes is {declared}; the standard requires the systemic-risk assessment to cover civic discourse and electoral processes",
		{"declared": lib.declared(coverage_field)},
	)
}

deny contains lib.finding(completed_field, msg) if {
	applicable
	not completed_recently
	msg := lib.limit_message("max_risk_assessment_age_months", 
		"governance.risk_assessment.last_completed is {declared}; the standard requires an assessment completed no more than {limit} months before the reference date ({reference}), and not after it",
		{
			"declared": lib.declared(completed_field),
			"limit": max_age,
			"reference": lib.reference_date,
		},
	)
}
