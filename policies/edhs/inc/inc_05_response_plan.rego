# METADATA
# title: The incident response plan covers elections and is exercised
# description: |
#   The incident response plan has election-specific scenarios and roles, and it was
#   exercised (for instance in a tabletop exercise) within the last months before the
#   declaration.
# related_resources:
#   - ref: https://eur-lex.europa.eu/eli/dir/2022/2555/oj#art_21
#     description: NIS2 Art 21(2)(b)–(c)
#   - ref: https://digital-strategy.ec.europa.eu/en/library/guidelines-providers-vlops-and-vloses-mitigation-systemic-risks-electoral-processes
#     description: Commission Guidelines C/2024/3014 (tabletop exercises)
# custom:
#   id: INC-05
#   severity: medium
#   aceeeo: [R1]
#   rationale: |
#     A plan that ignores elections, or that nobody has practised, fails when an incident
#     hits during the election period.
#   applies_when: Always.
#   remediation: Add election scenarios to the plan and run an election exercise.
#   basis: law+threshold
#   basis_note: NIS2 Art 21(2)(b)-(c) requires incident handling and crisis management; a yearly
#     exercise is the standard's choice.
#   references:
#   - cites: NIS2 Art 21(2)(b)–(c)
#     state: confirmed
#     words: '"(b) incident handling"; "(c) business continuity, such as backup management and
#       disaster recovery, and crisis management"'
#     read_in: https://auditfront.pages.dev/frameworks/nis2/risk-management/art-21-2c; https://www.cybercompliance.app/en/regulations/nis2
#   - cites: Commission Guidelines C/2024/3014 (tabletop exercises)
#     state: unconfirmed
#     note: the number C/2024/3014 was not found in any source read and the guidelines were
#       not read (the Commission page says they were adopted on 26 April 2024); no source on
#       tabletop exercises was found
package edhs.inc.response_plan

import data.edhs.lib
import rego.v1

default applicable := true

max_age := data.edhs.params.max_exercise_age_months

covers_field := ["incident_response", "plan", "covers_elections"]

exercised_field := ["incident_response", "plan", "last_exercised"]

plan_covers_elections if input.incident_response.plan.covers_elections == true

exercised_recently if lib.within_months(input.incident_response.plan.last_exercised, lib.reference_date, max_age)

deny contains lib.finding(covers_field, msg) if {
	not plan_covers_elections
	msg := lib.message(
		"incident_response.plan.covers_elections is {declared}; the standard requires the plan to have election scenarios and roles",
		{"declared": lib.declared(covers_field)},
	)
}

deny contains lib.finding(exercised_field, msg) if {
	not exercised_recently
	msg := lib.limit_message("max_exercise_age_months", 
		"incident_response.plan.last_exercised is {declared}; the standard requires an exercise no more than {limit} months before the reference date ({reference}), and not after it",
		{
			"declared": lib.declared(exercised_field),
			"limit": max_age,
			"reference": lib.reference_date,
		},
	)
}
