# METADATA
# title: The platform runs voter privacy and media-literacy campaigns
# description: |
#   Before each covered election the platform runs or supports a campaign that teaches
#   voters how their data is used and how to spot manipulation, ideally together with
#   the EMB.
# related_resources:
#   - ref: https://aceeeo.org
#     description: ACEEEO Declaration on Security, Privacy and Integrity of Elections, R5
#   - ref: https://digital-strategy.ec.europa.eu/en/policies/code-practice-disinformation
#     description: Code of Practice on Disinformation, commitment 17 (media literacy)
# custom:
#   id: EDU-04
#   severity: low
#   aceeeo: [R5]
#   rationale: |
#     Voters who know how their data is used and how manipulation works are harder to
#     mislead, which protects the election as a whole.
#   applies_when: Always.
#   remediation: Plan a voter privacy and media-literacy campaign with the EMB before each covered election.
#   basis: standard
#   basis_note: Voter education rests on ACEEEO's recommendation R5 and voluntary Code of Practice
#     commitments, not on a legal duty.
#   references:
#   - cites: ACEEEO Declaration on Security, Privacy and Integrity of Elections, R5
#     state: unconfirmed
#     note: the declaration text was not found, so recommendation R5 could not be checked; the
#       association is reported dissolved on 11 March 2022 (https://wikious.com/en/Association_of_Central_and_Eastern_European_Election_Officials)
#   - cites: Code of Practice on Disinformation, commitment 17 (media literacy)
#     state: unconfirmed
#     note: the commitment number and text were not read
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
