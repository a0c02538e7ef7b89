# METADATA
# title: Electoral registers cannot be uploaded as custom audiences
# description: |
#   Advertisers cannot upload voter lists or electoral-register extracts to build custom
#   or matched audiences for political ads: either list uploads are not offered for
#   political ads, or the platform checks uploads and blocks matching against voter
#   registers.
# related_resources:
#   - ref: https://eur-lex.europa.eu/eli/reg/2024/900/oj#art_18
#     description: TTPA Art 18(1)(a)
#   - ref: https://www.edpb.europa.eu/our-work-tools/our-documents/statements/statement-22019-use-personal-data-course-political-campaigns_en
#     description: EDPB Statement 2/2019 on the use of personal data in the course of political
#       campaigns
# custom:
#   id: MIN-02
#   severity: critical
#   aceeeo: [R3]
#   rationale: |
#     Electoral registers are collected to run elections, not to target voters; matching
#     them against platform accounts reuses them unlawfully (national electoral law
#     often forbids it too).
#   applies_when: Platforms that accept political ads.
#   remediation: Block list-based audience matching for political ads, or stop offering custom-audience uploads for them.
#   basis: law
#   references:
#   - cites: TTPA Art 18(1)(a)
#     state: unconfirmed
#     note: 'the point letter is not confirmed: Art 18 was not read verbatim; secondary sources
#       (as for MIN-01) say the data must have been collected from the person; a voter list
#       is not'
#   - cites: EDPB Statement 2/2019 on the use of personal data in the course of political campaigns
#     state: unconfirmed
#     note: no passage on uploads of electoral registers was read
package edhs.min.electoral_register_uploads

import data.edhs.lib
import rego.v1

default applicable := false

applicable if lib.sells_political_ads

upload_field := ["political_ads", "targeting", "custom_audience_upload_allowed"]

blocking_field := ["political_ads", "targeting", "voter_register_matching_blocked"]

# Either no list can be uploaded at all...
voter_lists_kept_out if input.political_ads.targeting.custom_audience_upload_allowed == false

# ...or uploads are checked and voter-register matches blocked.
voter_lists_kept_out if input.political_ads.targeting.voter_register_matching_blocked == true

deny contains lib.finding(blocking_field, msg) if {
	applicable
	not voter_lists_kept_out
	msg := lib.message(
		"political_ads.targeting.custom_audience_upload_allowed is {uploads} and voter_register_matching_blocked is {blocked}; the standard requires custom-audience uploads to be off for political ads, or matching against voter registers to be blocked",
		{"uploads": lib.declared(upload_field), "blocked": lib.declared(blocking_field)},
	)
}
