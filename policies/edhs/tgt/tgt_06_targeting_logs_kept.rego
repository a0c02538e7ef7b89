# METADATA
# title: Targeting decisions are logged and kept
# description: |
#   For each political ad the platform records the targeting and ad-delivery techniques
#   used (criteria, data categories, audience) and keeps these records for the period of
#   the political-ad repository, seven years by default.
# related_resources:
#   - ref: https://eur-lex.europa.eu/eli/reg/2024/900/oj#art_19
#     description: TTPA Art 19(1)(b)–(c)
# custom:
#   id: TGT-06
#   severity: high
#   aceeeo: [R3]
#   rationale: |
#     Without per-ad targeting records, neither an EMB nor a regulator can check after
#     the vote whom a political ad reached, or why.
#   applies_when: Platforms that accept political ads.
#   remediation: Log the targeting of every political ad and keep the logs for the required period.
#   basis: law+threshold
#   basis_note: The TTPA requires records of targeting (Art 19, not read verbatim); the 7-year
#     retention is the standard's choice until the text is confirmed.
#   references:
#   - cites: TTPA Art 19(1)(b)–(c)
#     state: unconfirmed
#     note: 'the points and the 7-year period are not confirmed: Art 19 was not read verbatim;
#       secondary source: Secondary: Art 19 covers "Beschreibung der Zielgruppen und der eingesetzten
#       Targeting-Kriterien … Datenquellen" [audiences, criteria, data sources] (https://www.dr-datenschutz.de/die-neue-ttpw-vo-transparenz-und-dokumentation/)'
package edhs.tgt.targeting_logs_kept

import data.edhs.lib
import rego.v1

default applicable := false

applicable if lib.sells_political_ads

min_years := data.edhs.params.min_record_retention_years

logs_field := ["political_ads", "targeting", "logs_kept"]

retention_field := ["retention", "targeting_logs_years"]

targeting_logged if input.political_ads.targeting.logs_kept == true

logs_kept_long_enough if {
	years := input.retention.targeting_logs_years
	is_number(years)
	years >= min_years
}

deny contains lib.finding(logs_field, msg) if {
	applicable
	not targeting_logged
	msg := lib.message(
		"political_ads.targeting.logs_kept is {declared}; the standard requires the targeting of every political ad to be logged",
		{"declared": lib.declared(logs_field)},
	)
}

deny contains lib.finding(retention_field, msg) if {
	applicable
	not logs_kept_long_enough
	msg := lib.limit_message("min_record_retention_years", 
		"retention.targeting_logs_years is {declared}; the standard requires targeting logs to be kept at least {limit} years",
		{"declared": lib.declared(retention_field), "limit": min_years},
	)
}
