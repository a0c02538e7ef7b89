# METADATA
# title: Political audiences have a minimum size
# description: |
#   A political ad cannot be delivered to an audience smaller than 1,000 people (a
#   national profile may set more), so that it cannot be aimed at a handful of
#   individuals.
# related_resources:
#   - ref: https://www.edpb.europa.eu/our-work-tools/our-documents/guidelines/guidelines-082020-targeting-social-media-users_en
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
package edhs.tgt.minimum_audience_size

import data.edhs.lib
import rego.v1

default applicable := false

applicable if input.political_ads.accepted == true

min_size := data.edhs.params.min_audience_size

field := ["political_ads", "targeting", "minimum_audience_size"]

audience_large_enough if {
	size := input.political_ads.targeting.minimum_audience_size
	is_number(size)
	size >= min_size
}

deny contains lib.finding(field, msg) if {
	not audience_large_enough
	msg := lib.message(
		"political_ads.targeting.minimum_audience_size is {declared}; the standard requires audiences of at least {limit} people",
		{"declared": lib.declared(field), "limit": min_size},
	)
}
