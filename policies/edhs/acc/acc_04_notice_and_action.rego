# METADATA
# title: Illegal election content can be notified and is handled fast
# description: |
#   Anyone can notify illegal election-related content, the platform handles those
#   notices within hours, and users can appeal its moderation decisions.
# related_resources:
#   - ref: https://eur-lex.europa.eu/eli/reg/2022/2065/oj#art_16
#     description: DSA Art 16
#   - ref: https://eur-lex.europa.eu/eli/reg/2022/2065/oj#art_20
#     description: DSA Art 20
# custom:
#   id: ACC-04
#   severity: high
#   aceeeo: [R6]
#   rationale: |
#     Illegal election content, such as false polling information, does its harm within
#     days; fast handling limits it, and appeals protect legitimate political speech.
#   applies_when: Always.
#   remediation: Offer notice and action for election content, handle notices faster and add appeals.
#   basis: law+threshold
#   basis_note: DSA Art 16 and 20 require notice-and-action and complaint handling without a
#     time limit; the 24-hour median is the standard's.
#   references:
#   - cites: DSA Art 16
#     state: confirmed
#     words: mechanisms "easy to access and user-friendly"; decisions "in a timely, diligent,
#       non-arbitrary and objective manner"
#     read_in: the Official Journal text (copy in github.com/kasnder/eur-lex-visualiser, commit
#       0fc8465)
#   - cites: DSA Art 20
#     state: confirmed
#     words: '"access to an effective internal complaint-handling system … electronically and
#       free of charge"'
#     read_in: the Official Journal text (copy in github.com/kasnder/eur-lex-visualiser, commit
#       0fc8465)
package edhs.acc.notice_and_action

import data.edhs.lib
import rego.v1

default applicable := true

max_hours := data.edhs.params.max_notice_handling_hours

notices_field := ["moderation", "notice_and_action", "available"]

hours_field := ["moderation", "election_notices_median_hours"]

appeals_field := ["moderation", "appeals_available"]

anyone_can_notify if input.moderation.notice_and_action.available == true

notices_handled_fast if {
	hours := input.moderation.election_notices_median_hours
	lib.non_negative_number(hours)
	hours <= max_hours
}

decisions_can_be_appealed if input.moderation.appeals_available == true

deny contains lib.finding(notices_field, msg) if {
	not anyone_can_notify
	msg := lib.message(
		"moderation.notice_and_action.available is {declared}; the standard requires a mechanism through which anyone can notify illegal content",
		{"declared": lib.declared(notices_field)},
	)
}

deny contains lib.finding(hours_field, msg) if {
	not notices_handled_fast
	msg := lib.limit_message("max_notice_handling_hours", 
		"moderation.election_notices_median_hours is {declared}; the standard allows a median of at most {limit} hours",
		{"declared": lib.declared(hours_field), "limit": max_hours},
	)
}

deny contains lib.finding(appeals_field, msg) if {
	not decisions_can_be_appealed
	msg := lib.message(
		"moderation.appeals_available is {declared}; the standard requires users to be able to appeal moderation decisions",
		{"declared": lib.declared(appeals_field)},
	)
}
