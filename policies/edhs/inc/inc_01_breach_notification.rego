# METADATA
# title: Personal-data breaches are notified within the deadline
# description: |
#   The platform notifies the supervisory authority of a personal-data breach within
#   the deadline in force (72 hours by default) of becoming aware of it.
# related_resources:
#   - ref: https://eur-lex.europa.eu/eli/reg/2016/679/oj#art_33
#     description: GDPR Art 33(1)
# custom:
#   id: INC-01
#   severity: high
#   aceeeo: [R3]
#   rationale: |
#     A breach of voter data that is reported late leaves voters and the EMB unable
#     to limit the harm before the election.
#   applies_when: Always.
#   remediation: Fix the notification process so that breaches are notified within the deadline.
#   basis: law
#   references:
#   - cites: GDPR Art 33(1)
#     state: confirmed
#     words: '"without undue delay and, where feasible, not later than 72 hours after having
#       become aware of it"'
#     read_in: the Official Journal text (copy in github.com/kasnder/eur-lex-visualiser, commit
#       0fc8465)
package edhs.inc.breach_notification

import data.edhs.lib
import rego.v1

default applicable := true

max_hours := data.edhs.params.max_breach_notification_hours

field := ["incident_response", "breach_notification_hours"]

notified_in_time if {
	hours := input.incident_response.breach_notification_hours
	lib.non_negative_number(hours)
	hours <= max_hours
}

deny contains lib.finding(field, msg) if {
	not notified_in_time
	msg := lib.limit_message("max_breach_notification_hours", 
		"incident_response.breach_notification_hours is {declared}; the standard allows at most {limit} hours",
		{"declared": lib.declared(field), "limit": max_hours},
	)
}
