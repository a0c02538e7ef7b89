# METADATA
# title: An internal policy on political targeting is published
# description: |
#   The platform adopts, and publishes, an internal policy that describes how it uses
#   targeting and ad-delivery techniques for political ads.
# related_resources:
#   - ref: https://eur-lex.europa.eu/eli/reg/2024/900/oj#art_19
#     description: TTPA Art 19(1)(a)
# custom:
#   id: TGT-05
#   severity: high
#   aceeeo: [R4, R6]
#   rationale: |
#     Voters, sponsors and EMBs can only hold the platform to rules they can read; a
#     published targeting policy makes its political-ad practices open to scrutiny.
#   applies_when: Platforms that accept political ads.
#   remediation: Publish the internal policy on political-ad targeting and give its address.
#   basis: law
#   references:
#   - cites: TTPA Art 19(1)(a)
#     state: unconfirmed
#     note: 'the point letter is not confirmed: Art 19 was not read verbatim; secondary source:
#       Art 19 is the "additional transparency" article; an internal-policy duty was not seen
#       (http://edizionieuropee.it/law/html/222/eu18_03_101.html)'
package edhs.tgt.targeting_policy_published

import data.edhs.lib
import rego.v1

default applicable := false

applicable if lib.sells_political_ads

field := ["political_ads", "targeting", "internal_policy_url"]

policy_published if lib.web_address(input.political_ads.targeting.internal_policy_url)

deny contains lib.finding(field, msg) if {
	applicable
	not policy_published
	msg := lib.message(
		"political_ads.targeting.internal_policy_url is {declared}; the standard requires the address of the published political-ad targeting policy",
		{"declared": lib.declared(field)},
	)
}
