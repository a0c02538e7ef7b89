# METADATA
# title: Sponsors are verified before ads run
# description: |
#   Before a sponsor's first political ad runs, the platform verifies the sponsor's
#   identity and where it is established, and keeps the evidence.
# related_resources:
#   - ref: https://eur-lex.europa.eu/eli/reg/2024/900/oj#art_7
#     description: TTPA Art 7(1) (sponsor declarations, incl. Art 5(2))
#   - ref: https://eur-lex.europa.eu/eli/reg/2024/900/oj#art_5
#     description: TTPA Art 5(2)
#   - ref: https://digital-strategy.ec.europa.eu/en/policies/code-practice-disinformation
#     description: 'Code of Practice on Disinformation (political ads: sponsor verification)'
# custom:
#   id: ADS-04
#   severity: high
#   aceeeo: [R3, R6]
#   rationale: |
#     Without checking who a sponsor is and where it is established, labels, notices and
#     the ban on third-country sponsors before a vote cannot be relied on.
#   applies_when: Platforms that accept political ads.
#   remediation: Verify every sponsor's identity and place of establishment before its first ad runs.
#   basis: standard
#   basis_note: TTPA Art 7(1) requires providers to obtain declarations from sponsors, who answer
#     for their accuracy; verifying the sponsor's identity and establishment and keeping the
#     evidence is the standard's addition.
#   references:
#   - cites: TTPA Art 7(1) (sponsor declarations, incl. Art 5(2))
#     state: confirmed
#     words: 'Art 7(1): providers "verlangen von Sponsoren … eine Erklärung … ob sie die Anforderungen
#       nach Artikel 5 Absatz 2 erfüllen" [require a declaration incl. Art 5(2) compliance]'
#     read_in: https://gesetze.legal/eu/vo_eu_2024_900/7
#   - cites: TTPA Art 5(2)
#     state: confirmed
#     words: sponsor must declare being a Union citizen, a resident voter, or an EU-established
#       entity "nicht … unter der Kontrolle" of third-country persons
#     read_in: https://gesetze.legal/eu/vo_eu_2024_900/5
#   - cites: 'Code of Practice on Disinformation (political ads: sponsor verification)'
#     state: unconfirmed
#     note: the commitment number was not identified and the Code text was not read; an EPRA
#       summary says signatories commit to "the implementation of verification processes across
#       all political ads" (https://www.epra.org/news/regulation-news/news_items/the-2022-code-of-practice-on-disinformation-a-broader-and-strengthened-set-of-commitments)
package edhs.ads.sponsor_verification

import data.edhs.lib
import rego.v1

default applicable := false

applicable if lib.sells_political_ads

identity_field := ["political_ads", "sponsor_verification", "required"]

establishment_field := ["political_ads", "sponsor_verification", "checks_establishment"]

identity_verified if input.political_ads.sponsor_verification.required == true

establishment_verified if input.political_ads.sponsor_verification.checks_establishment == true

deny contains lib.finding(identity_field, msg) if {
	applicable
	not identity_verified
	msg := lib.message(
		"political_ads.sponsor_verification.required is {declared}; the standard requires every sponsor's identity to be verified before its first ad runs",
		{"declared": lib.declared(identity_field)},
	)
}

deny contains lib.finding(establishment_field, msg) if {
	applicable
	not establishment_verified
	msg := lib.message(
		"political_ads.sponsor_verification.checks_establishment is {declared}; the standard requires the verification to establish where the sponsor is established",
		{"declared": lib.declared(establishment_field)},
	)
}
