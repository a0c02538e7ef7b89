# METADATA
# title: A refused consent is not asked for again too often
# description: |
#   After a user refuses consent to political-ad targeting, the platform does not ask
#   for it again for at least a year (a national profile may require a longer pause).
# related_resources:
#   - ref: https://eur-lex.europa.eu/eli/reg/2024/900/oj#art_18
#     description: TTPA Art 18 (no new consent request after a refusal)
#   - ref: https://eur-lex.europa.eu/eli/reg/2022/1925/oj#art_5
#     description: DMA Art 5(2), second subparagraph (one-year limit, gatekeepers only, by analogy)
# custom:
#   id: LAW-04
#   severity: medium
#   aceeeo: [R3]
#   rationale: |
#     Asking again and again until the user gives in turns a refusal into a formality;
#     consent worn down by repeated prompts is not freely given.
#   applies_when: Platforms that accept political ads.
#   remediation: Suppress new requests for political-ad consent for at least 12 months after a refusal.
#   basis: standard
#   basis_note: 'No legal source for a 12-month pause was found (DMA Art 5(2) sets one year
#     for gatekeepers only); the TTPA may forbid any new request after a refusal, which would
#     make the law stricter than this control: unconfirmed, for the committee to decide.'
#   references:
#   - cites: TTPA Art 18 (no new consent request after a refusal)
#     state: unconfirmed
#     note: 'Art 18 was not read verbatim and no TTPA source for a 12-month pause was found;
#       a trilogue summary says that after a refusal signalled by automated means "darf keine
#       weitere Einwilligung erfragt werden" [no further request may be made] (https://vau.net/presse/positionen/eu-einigt-sich-auf-strengere-regeln-bei-politischer-werbung/):
#       if so, the law is stricter than this control'
#   - cites: DMA Art 5(2), second subparagraph (one-year limit, gatekeepers only, by analogy)
#     state: confirmed
#     words: '"shall not repeat its request … more than once within a period of one year"'
#     read_in: the Official Journal text (copy in github.com/kasnder/eur-lex-visualiser, commit
#       0fc8465)
package edhs.law.consent_rerequest_interval

import data.edhs.lib
import rego.v1

default applicable := false

applicable if lib.sells_political_ads

min_months := data.edhs.params.min_consent_rerequest_months

field := ["political_ads", "targeting", "consent", "rerequest_after_refusal_months"]

refusal_respected_long_enough if {
	months := input.political_ads.targeting.consent.rerequest_after_refusal_months
	is_number(months)
	months >= min_months
}

deny contains lib.finding(field, msg) if {
	applicable
	not refusal_respected_long_enough
	msg := lib.limit_message("min_consent_rerequest_months", 
		"political_ads.targeting.consent.rerequest_after_refusal_months is {declared}; the standard requires waiting at least {limit} months before asking again after a refusal",
		{"declared": lib.declared(field), "limit": min_months},
	)
}
