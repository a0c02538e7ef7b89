# METADATA
# title: Records of political-ad services are kept long enough
# description: |
#   The information on each political-ad service the platform provides (contract,
#   sponsor, amounts, targeting) is kept for at least the years in force (seven by default).
# related_resources:
#   - ref: https://eur-lex.europa.eu/eli/reg/2024/900/oj#art_9
#     description: TTPA Art 9 (records)
# custom:
#   id: ADS-07
#   severity: medium
#   aceeeo: [R3]
#   rationale: |
#     Authorities and EMBs investigating a campaign, sometimes years later, need the
#     records of who bought which political-ad service and how it was targeted.
#   applies_when: Platforms that accept political ads.
#   remediation: Keep the records of every political-ad service for the required number of years.
#   basis: law+threshold
#   basis_note: The TTPA requires records for each political ad (Art 9, not read verbatim);
#     the 7-year retention is the standard's choice until the text is confirmed.
#   references:
#   - cites: TTPA Art 9 (records)
#     state: unconfirmed
#     note: Art 9 was not read verbatim (paragraph and 7 years unconfirmed); its title "Registri"
#       [records] was read, and Art 7(3) refers to information needed "um Artikel 9 Absatz 1
#       Buchstaben a, d, e und f … nachzukommen" [to comply with Art 9(1)(a), (d), (e) and (f)]
#       (http://edizionieuropee.it/law/html/222/eu18_03_101.html; https://gesetze.legal/eu/vo_eu_2024_900/7)
package edhs.ads.ad_records_retention

import data.edhs.lib
import rego.v1

default applicable := false

applicable if lib.sells_political_ads

min_years := data.edhs.params.min_record_retention_years

field := ["retention", "political_ad_records_years"]

records_kept_long_enough if {
	years := input.retention.political_ad_records_years
	is_number(years)
	years >= min_years
}

deny contains lib.finding(field, msg) if {
	applicable
	not records_kept_long_enough
	msg := lib.limit_message("min_record_retention_years", 
		"retention.political_ad_records_years is {declared}; the standard requires political-ad service records to be kept for at least {limit} years",
		{"declared": lib.declared(field), "limit": min_years},
	)
}
