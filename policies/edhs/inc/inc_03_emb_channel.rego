# METADATA
# title: EMBs have a rapid-response channel during elections
# description: |
#   During each covered election period the election management body has a dedicated,
#   staffed channel to the platform, open around the clock, that gives a first response
#   within a few hours.
# related_resources:
#   - ref: https://digital-strategy.ec.europa.eu/en/library/guidelines-providers-vlops-and-vloses-mitigation-systemic-risks-electoral-processes
#     description: Commission Guidelines C/2024/3014 (cooperation with authorities)
#   - ref: https://digital-strategy.ec.europa.eu/en/policies/code-practice-disinformation
#     description: Code of Practice on Disinformation (elections crisis response)
# custom:
#   id: INC-03
#   severity: critical
#   aceeeo: [R2, R6]
#   rationale: |
#     On polling day an EMB must be able to reach someone at the platform at once, or
#     false voting information and attacks spread before anyone acts.
#   applies_when: Always.
#   remediation: Open a dedicated EMB channel, staff it around the clock and commit to a fast first response.
#   basis: standard
#   basis_note: No text read sets a 24/7 channel to EMBs with a 4-hour first response; the Commission's
#     election guidelines speak of cooperation with authorities.
#   references:
#   - cites: Commission Guidelines C/2024/3014 (cooperation with authorities)
#     state: unconfirmed
#     note: 'the number C/2024/3014 was not found in any source read and the guidelines were
#       not read (the Commission page says they were adopted on 26 April 2024); a 24/7 channel
#       and a 4-hour response are not supported; a secondary source supports the substance:
#       Press summary: cooperate with "EU-level and national authorities"; "incident response
#       mechanism, during an electoral period" (https://www.ictbusiness.biz/business/ec-revealed-dsa-guidelines-for-election-online-risks)'
#   - cites: Code of Practice on Disinformation (elections crisis response)
#     state: unconfirmed
#     note: the commitment was not identified and the Code text was not read
package edhs.inc.emb_channel

import data.edhs.lib
import rego.v1

default applicable := true

max_hours := data.edhs.params.max_emb_first_response_hours

available_field := ["incident_response", "emb_channel", "available"]

hours_field := ["incident_response", "emb_channel", "hours"]

response_field := ["incident_response", "emb_channel", "first_response_hours"]

channel_available if input.incident_response.emb_channel.available == true

staffed_around_the_clock if input.incident_response.emb_channel.hours == "24/7"

answers_in_time if {
	hours := input.incident_response.emb_channel.first_response_hours
	lib.non_negative_number(hours)
	hours <= max_hours
}

deny contains lib.finding(available_field, msg) if {
	not channel_available
	msg := lib.message(
		"incident_response.emb_channel.available is {declared}; the standard requires a dedicated channel for the EMB during each covered election",
		{"declared": lib.declared(available_field)},
	)
}

deny contains lib.finding(hours_field, msg) if {
	not staffed_around_the_clock
	msg := lib.message(
		"incident_response.emb_channel.hours is {declared}; the standard requires the channel to be staffed 24/7",
		{"declared": lib.declared(hours_field)},
	)
}

deny contains lib.finding(response_field, msg) if {
	not answers_in_time
	msg := lib.limit_message("max_emb_first_response_hours", 
		"incident_response.emb_channel.first_response_hours is {declared}; the standard allows at most {limit} hours",
		{"declared": lib.declared(response_field), "limit": max_hours},
	)
}
