# METADATA
# title: Political audiences have a minimum size
# description: |
#   A political ad cannot be delivered to an audience smaller than 1,000 people (a
#   national profile may set more), so that it cannot be aimed at a handful of
#   individuals.
# related_resources:
#   - ref: https://www.edpb.europa.eu/our-work-tools/our-documents/guidelines/guidelines-82020-targeting-social-media-users_en
#     description: EDPB Guidelines 8/2020 on the targeting of social media users (risks of micro-targeting)
# custom:
#   id: TGT-03
#   severity: high
#   aceeeo: [R3]
#   rationale: |
#     Tiny audiences let a sponsor send different promises to a few people out of public
#     sight; a minimum size keeps political messages exposed to scrutiny (good practice
#     adopted by several platforms).
#   applies_when: Platforms that accept political ads.
#   remediation: Enforce a minimum audience size for political ads.
#   basis: standard
#   basis_note: No legal source sets a minimum audience; EDPB Guidelines 8/2020 only describe
#     the risks of micro-targeting, and the 1,000-person floor is the standard's.
#   references:
#   - cites: EDPB Guidelines 8/2020 on the targeting of social media users (risks of micro-targeting)
#     state: confirmed
#     words: '§24: targeters select audiences, "a practice which is sometimes also referred
#       to as “micro-targeting”"; §8 targeting "may pose significant risks"'
#     read_in: https://privacad.com/privacy-data-protection-targeting-of-social-media-users-public-consultation-version-8/
#       (the version 1.0 text)
package edhs.tgt.minimum_audience_size

import data.edhs.lib
import rego.v1

default applicable := false

applicable if lib.sells_political_ads

min_size := data.edhs.params.min_audience_size

field := ["political_ads", "targeting", "minimum_audience_size"]

audience_large_enough if {
	size := input.political_ads.targeting.minimum_audience_size
	is_number(size)
	size >= min_size
}

deny contains lib.finding(field, msg) if {
	applicable
	not audience_large_enough
	msg := lib.limit_message("min_audience_size", 
		"political_ads.targeting.minimum_audience_size is {declared}; the standard requires audiences of at least {limit} people",
		{"declared": lib.declared(field), "limit": min_size},
	)
}
