# METADATA
# title: The platform runs voter privacy and media-literacy campaigns
# description: |
#   Before each covered election the platform runs or supports a campaign that teaches
#   voters how their data is used and how to spot manipulation, ideally together with
#   the EMB.
# related_resources:
#   - ref: https://aceeeo.org
#     description: ACEEEO R5
#   - ref: https://digital-strategy.ec.europa.eu/en/library/2022-strengthened-code-practice-disinformation
#     description: Code of Practice on Disinformation, commitment 17 (media literacy, verify)
# custom:
#   id: EDU-04
#   severity: low
#   aceeeo: [R5]
#   rationale: |
#     Voters who know how their data is used and how manipulation works are harder to
#     mislead, which protects the election as a whole.
#   applies_when: Always.
#   remediation: Plan a voter privacy and media-literacy campaign with the EMB before each covered election.
package edhs.edu.voter_education

import data.edhs.lib
import rego.v1

default applicable := true

field := ["user_information", "voter_education", "campaign_planned"]

campaign_planned if input.user_information.voter_education.campaign_planned == true

deny contains lib.finding(field, msg) if {
	not campaign_planned
	msg := lib.message(
		"user_information.voter_education.campaign_planned is {declared}; the standard requires a voter privacy and media-literacy campaign before each covered election",
		{"declared": lib.declared(field)},
	)
}
