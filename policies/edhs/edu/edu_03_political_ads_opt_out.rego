# METADATA
# title: Users can opt out of political ads
# description: |
#   Users can choose not to be shown political ads.
# related_resources:
#   - ref: https://aceeeo.org
#     description: ACEEEO Declaration on Security, Privacy and Integrity of Elections, R4
# custom:
#   id: EDU-03
#   severity: low
#   aceeeo: [R4, R5]
#   rationale: |
#     Letting voters switch political ads off is good practice that puts them in control
#     of how campaigns use their attention and their data.
#   applies_when: Platforms that accept political ads.
#   remediation: Add a setting that lets users opt out of political ads.
#   basis: standard
#   basis_note: No legal duty to offer an opt-out from political ads was found; it is good practice
#     adopted by several platforms.
#   references:
#   - cites: ACEEEO Declaration on Security, Privacy and Integrity of Elections, R4
#     state: unconfirmed
#     note: the declaration text was not found, so recommendation R4 could not be checked; the
#       association is reported dissolved on 11 March 2022 (https://wikious.com/en/Association_of_Central_and_Eastern_European_Election_Officials)
package edhs.edu.political_ads_opt_out

import data.edhs.lib
import rego.v1

default applicable := false

applicable if lib.sells_political_ads

field := ["political_ads", "user_controls", "opt_out_available"]

opt_out_offered if input.political_ads.user_controls.opt_out_available == true

deny contains lib.finding(field, msg) if {
	applicable
	not opt_out_offered
	msg := lib.message(
		"political_ads.user_controls.opt_out_available is {declared}; the standard requires users to be able to opt out of political ads",
		{"declared": lib.declared(field)},
	)
}
