# METADATA
# title: Sponsors are verified before ads run
# description: |
#   Before a sponsor's first political ad runs, the platform verifies the sponsor's
#   identity and where it is established, and keeps the evidence.
# related_resources:
#   - ref: https://eur-lex.europa.eu/eli/reg/2024/900/oj
#     description: TTPA Art 7 (verify)
#   - ref: https://eur-lex.europa.eu/eli/reg/2024/900/oj
#     description: TTPA Art 5(2)
#   - ref: https://digital-strategy.ec.europa.eu/en/library/2022-strengthened-code-practice-disinformation
#     description: Code of Practice on Disinformation (political ads commitments)
# custom:
#   id: ADS-04
#   severity: high
#   aceeeo: [R3, R6]
#   rationale: |
#     Without checking who a sponsor is and where it is established, labels, notices and
#     the ban on third-country sponsors before a vote cannot be relied on.
#   applies_when: Platforms that accept political ads.
#   remediation: Verify every sponsor's identity and place of establishment before its first ad runs.
package edhs.ads.sponsor_verification

import data.edhs.lib
import rego.v1

default applicable := false

applicable if input.political_ads.accepted == true

identity_field := ["political_ads", "sponsor_verification", "required"]

establishment_field := ["political_ads", "sponsor_verification", "checks_establishment"]

identity_verified if input.political_ads.sponsor_verification.required == true

establishment_verified if input.political_ads.sponsor_verification.checks_establishment == true

deny contains lib.finding(identity_field, msg) if {
	not identity_verified
	msg := lib.message(
		"political_ads.sponsor_verification.required is {declared}; the standard requires every sponsor's identity to be verified before its first ad runs",
		{"declared": lib.declared(identity_field)},
	)
}

deny contains lib.finding(establishment_field, msg) if {
	not establishment_verified
	msg := lib.message(
		"political_ads.sponsor_verification.checks_establishment is {declared}; the standard requires the verification to establish where the sponsor is established",
		{"declared": lib.declared(establishment_field)},
	)
}
