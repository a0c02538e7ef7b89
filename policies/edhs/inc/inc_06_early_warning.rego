# METADATA
# title: Significant incidents get an early warning within the deadline
# description: |
#   The platform sends an early warning about a significant incident within the deadline
#   in force (24 hours by default) of becoming aware of it.
# related_resources:
#   - ref: https://eur-lex.europa.eu/eli/dir/2022/2555/oj#art_23
#     description: NIS2 Art 23(4)(a)
# custom:
#   id: INC-06
#   severity: medium
#   aceeeo: [R1, R2]
#   rationale: |
#     An early warning lets the authorities and the EMB prepare for an incident's effects
#     on the election before the full report arrives.
#   applies_when: Always.
#   remediation: Add an early-warning step to the incident process, within the deadline.
#   basis: law
#   references:
#   - cites: NIS2 Art 23(4)(a)
#     state: confirmed
#     words: '"without undue delay and in any event within 24 hours of becoming aware of the
#       significant incident, an early warning"'
#     read_in: https://auditfront.pages.dev/frameworks/nis2/incident-reporting/art-23-4a
package edhs.inc.early_warning

import data.edhs.lib
import rego.v1

default applicable := true

max_hours := data.edhs.params.max_early_warning_hours

field := ["incident_response", "early_warning_hours"]

warned_in_time if {
	hours := input.incident_response.early_warning_hours
	lib.non_negative_number(hours)
	hours <= max_hours
}

deny contains lib.finding(field, msg) if {
	not warned_in_time
	msg := lib.limit_message("max_early_warning_hours", 
		"incident_response.early_warning_hours is {declared}; the standard allows at most {limit} hours",
		{"declared": lib.declared(field), "limit": max_hours},
	)
}
