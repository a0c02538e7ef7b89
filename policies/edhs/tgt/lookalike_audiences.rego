# METADATA
# title: Lookalike audiences are not used for political ads
# description: |
#   The platform does not offer lookalike or similar-audience expansion for political
#   ads.
# related_resources:
#   - ref: https://eur-lex.europa.eu/eli/reg/2024/900/oj
#     description: TTPA Art 18(1) (verify)
#   - ref: https://www.edpb.europa.eu/our-work-tools/our-documents/guidelines/guidelines-082020-targeting-social-media-users_en
#     description: EDPB Guidelines 8/2020 on the targeting of social media users
# custom:
#   id: TGT-04
#   severity: medium
#   aceeeo: [R3]
#   rationale: |
#     Lookalike expansion profiles people who never gave their data to the sponsor,
#     inferring from a seed list whom else to reach with a political message.
#   applies_when: Platforms that accept political ads.
#   remediation: Disable lookalike audience expansion for political ads.
package edhs.tgt.lookalike_audiences

import data.edhs.lib
import rego.v1

default applicable := false

applicable if input.political_ads.accepted == true

field := ["political_ads", "targeting", "lookalike_audiences_allowed"]

no_lookalike_audiences if input.political_ads.targeting.lookalike_audiences_allowed == false

deny contains lib.finding(field, msg) if {
	not no_lookalike_audiences
	msg := lib.message(
		"political_ads.targeting.lookalike_audiences_allowed is {declared}; the standard requires lookalike audience expansion to be off for political ads",
		{"declared": lib.declared(field)},
	)
}
