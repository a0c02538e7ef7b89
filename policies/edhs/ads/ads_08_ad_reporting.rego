# METADATA
# title: Anyone can report a possibly non-compliant political ad
# description: |
#   Anyone can report, free of charge and from the ad itself, a political ad they think
#   breaks the rules, and the platform acts on such reports diligently.
# related_resources:
#   - ref: https://eur-lex.europa.eu/eli/reg/2024/900/oj#art_15
#     description: TTPA Art 15(1)–(2), 15(5)
#   - ref: https://eur-lex.europa.eu/eli/reg/2022/2065/oj#art_16
#     description: DSA Art 16
# custom:
#   id: ADS-08
#   severity: medium
#   aceeeo: [R6]
#   rationale: |
#     A non-compliant ad does its harm while the campaign runs, so reporting it must be
#     easy and the platform must act before the vote.
#   applies_when: Platforms that accept political ads.
#   remediation: Add a report option to every political ad and staff its handling to meet the deadline.
#   basis: law+threshold
#   basis_note: TTPA Art 15 and DSA Art 16 require diligent handling of reports but set no time
#     limit; the 48-hour median is the standard's.
#   references:
#   - cites: TTPA Art 15(1)–(2), 15(5)
#     state: confirmed
#     words: '15(2): "kostenlos, benutzerfreundlich und leicht zugänglich …, auch von der Transparenzbekanntmachung
#       aus"; 15(5) VLOPs "sorgfältig, unparteiisch und objektiv prüfen"'
#     read_in: https://gesetze.legal/eu/vo_eu_2024_900/15
#   - cites: DSA Art 16
#     state: confirmed
#     words: notices on "illegal content"; 16(6) decide "in a timely, diligent, non-arbitrary
#       and objective manner"
#     read_in: the Official Journal text (copy in github.com/kasnder/eur-lex-visualiser, commit
#       0fc8465)
package edhs.ads.ad_reporting

import data.edhs.lib
import rego.v1

default applicable := false

applicable if lib.sells_political_ads

max_hours := data.edhs.params.max_ad_report_response_hours

available_field := ["political_ads", "reporting_mechanism", "available_on_ad"]

response_field := ["political_ads", "reporting_mechanism", "median_response_hours"]

reportable_from_the_ad if input.political_ads.reporting_mechanism.available_on_ad == true

reports_handled_in_time if {
	hours := input.political_ads.reporting_mechanism.median_response_hours
	lib.non_negative_number(hours)
	hours <= max_hours
}

deny contains lib.finding(available_field, msg) if {
	applicable
	not reportable_from_the_ad
	msg := lib.message(
		"political_ads.reporting_mechanism.available_on_ad is {declared}; the standard requires a free report option on the ad itself",
		{"declared": lib.declared(available_field)},
	)
}

deny contains lib.finding(response_field, msg) if {
	applicable
	not reports_handled_in_time
	msg := lib.limit_message("max_ad_report_response_hours", 
		"political_ads.reporting_mechanism.median_response_hours is {declared}; the standard allows at most {limit} hours",
		{"declared": lib.declared(response_field), "limit": max_hours},
	)
}
