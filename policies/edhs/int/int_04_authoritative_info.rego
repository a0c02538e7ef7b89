# METADATA
# title: Authoritative election information is surfaced
# description: |
#   Users who search for or engage with election topics are pointed to the election
#   management body's official information on how, when and where to vote.
# related_resources:
#   - ref: https://digital-strategy.ec.europa.eu/en/library/guidelines-providers-vlops-and-vloses-mitigation-systemic-risks-electoral-processes
#     description: Commission Guidelines C/2024/3014 (official information on elections)
# custom:
#   id: INT-04
#   severity: medium
#   aceeeo: [R5, R6]
#   rationale: |
#     Pointing voters to the EMB's own information is the surest answer to false claims
#     about how, when and where to vote.
#   applies_when: Always.
#   remediation: Add prompts that link election topics to the EMB's official information.
#   basis: standard
#   basis_note: It rests on the Commission's election guidelines (not binding; text not confirmed),
#     not on a binding provision.
#   references:
#   - cites: Commission Guidelines C/2024/3014 (official information on elections)
#     state: unconfirmed
#     note: 'the number C/2024/3014 was not found in any source read and the guidelines were
#       not read (the Commission page says they were adopted on 26 April 2024); a secondary
#       source supports the substance: press release: platforms "should promote official information
#       on electoral processes" (https://www.miragenews.com/ec-unveils-dsa-guidelines-to-curb-online-1203221/)'
package edhs.int.authoritative_info

import data.edhs.lib
import rego.v1

default applicable := true

field := ["integrity", "authoritative_info", "links_to_emb"]

points_users_to_emb if input.integrity.authoritative_info.links_to_emb == true

deny contains lib.finding(field, msg) if {
	not points_users_to_emb
	msg := lib.message(
		"integrity.authoritative_info.links_to_emb is {declared}; the standard requires users engaging with election topics to be pointed to the EMB's official information",
		{"declared": lib.declared(field)},
	)
}
