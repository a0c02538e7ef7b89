# METADATA
# title: A refused consent is not asked for again too often
# description: |
#   After a user refuses consent to political-ad targeting, the platform does not ask
#   for it again for at least a year (a national profile may require a longer pause).
# related_resources:
#   - ref: https://eur-lex.europa.eu/eli/reg/2024/900/oj
#     description: TTPA Art 18 (verify paragraph)
# custom:
#   id: LAW-04
#   severity: medium
#   aceeeo: [R3]
#   rationale: |
#     Asking again and again until the user gives in turns a refusal into a formality;
#     consent worn down by repeated prompts is not freely given.
#   applies_when: Platforms that accept political ads.
#   remediation: Suppress new requests for political-ad consent for at least 12 months after a refusal.
package edhs.law.consent_rerequest_interval

import data.edhs.lib
import rego.v1

default applicable := false

applicable if input.political_ads.accepted == true

min_months := data.edhs.params.min_consent_rerequest_months

field := ["political_ads", "targeting", "consent", "rerequest_after_refusal_months"]

refusal_respected_long_enough if {
	months := input.political_ads.targeting.consent.rerequest_after_refusal_months
	is_number(months)
	months >= min_months
}

deny contains lib.finding(field, msg) if {
	not refusal_respected_long_enough
	msg := lib.message(
		"political_ads.targeting.consent.rerequest_after_refusal_months is {declared}; the standard requires waiting at least {limit} months before asking again after a refusal",
		{"declared": lib.declared(field), "limit": min_months},
	)
}
