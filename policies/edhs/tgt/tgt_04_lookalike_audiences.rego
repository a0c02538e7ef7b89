# METADATA
# title: Lookalike audiences are not used for political ads
# description: |
#   The platform does not offer lookalike or similar-audience expansion for political
#   ads.
# related_resources:
#   - ref: https://eur-lex.europa.eu/eli/reg/2024/900/oj#art_18
#     description: TTPA Art 18(1)
#   - ref: https://www.edpb.europa.eu/our-work-tools/our-documents/guidelines/guidelines-82020-targeting-social-media-users_en
#     description: EDPB Guidelines 8/2020 on the targeting of social media users (list-based
#       targeting)
# custom:
#   id: TGT-04
#   severity: medium
#   aceeeo: [R3]
#   rationale: |
#     Lookalike expansion profiles people who never gave their data to the sponsor,
#     inferring from a seed list whom else to reach with a political message.
#   applies_when: Platforms that accept political ads.
#   remediation: Disable lookalike audience expansion for political ads.
#   basis: standard
#   basis_note: No text read names lookalike audiences; the ban is the standard's reading of
#     the targeting rules.
#   references:
#   - cites: TTPA Art 18(1)
#     state: unconfirmed
#     note: Art 18 was not read verbatim (only its title "Obblighi specifici in materia di tecniche
#       di targeting" [specific requirements on targeting], http://edizionieuropee.it/law/html/222/eu18_03_101.html);
#       no source read mentions lookalike audiences
#   - cites: EDPB Guidelines 8/2020 on the targeting of social media users (list-based targeting)
#     state: unconfirmed
#     note: 'the lookalike passage was not read; only list-based targeting, §54: "a targeter
#       uploads pre-existing lists of personal data … for the social media provider to match"
#       (https://privacad.com/privacy-data-protection-targeting-of-social-media-users-public-consultation-version-17/)'
package edhs.tgt.lookalike_audiences

import data.edhs.lib
import rego.v1

default applicable := false

applicable if lib.sells_political_ads

field := ["political_ads", "targeting", "lookalike_audiences_allowed"]

no_lookalike_audiences if input.political_ads.targeting.lookalike_audiences_allowed == false

deny contains lib.finding(field, msg) if {
	applicable
	not no_lookalike_audiences
	msg := lib.message(
		"political_ads.targeting.lookalike_audiences_allowed is {declared}; the standard requires lookalike audience expansion to be off for political ads",
		{"declared": lib.declared(field)},
	)
}
