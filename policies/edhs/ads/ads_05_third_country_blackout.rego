# METADATA
# title: No third-country sponsors in the months before a vote
# description: |
#   In the months before an election or referendum, the platform serves no political ads
#   for sponsors established outside the EU or controlled from outside it.
# related_resources:
#   - ref: https://eur-lex.europa.eu/eli/reg/2024/900/oj#art_5
#     description: TTPA Art 5(2)
# custom:
#   id: ADS-05
#   severity: critical
#   aceeeo: [R6, R7]
#   rationale: |
#     Paid political messages from outside the Union in the final months of a campaign
#     are a direct channel for foreign interference in the vote.
#   applies_when: Platforms that accept political ads.
#   remediation: Enforce the blackout on third-country sponsors for the required months before each vote.
#   basis: law+threshold
#   basis_note: TTPA Art 5(2) sets the three months but rests on the sponsor's declaration and
#     admits Union residents with voting rights; the blackout length is a parameter a profile
#     may lengthen.
#   references:
#   - cites: TTPA Art 5(2)
#     state: confirmed
#     words: '"in den letzten drei Monaten vor einer Wahl oder einem Referendum … nur für einen
#       Sponsor … der erklärt" [last three months … only for a sponsor who declares]'
#     read_in: https://gesetze.legal/eu/vo_eu_2024_900/5
package edhs.ads.third_country_blackout

import data.edhs.lib
import rego.v1

default applicable := false

applicable if lib.sells_political_ads

min_months := data.edhs.params.third_country_blackout_months

field := ["political_ads", "third_country_sponsor_blackout_months"]

blackout_long_enough if {
	months := input.political_ads.third_country_sponsor_blackout_months
	is_number(months)
	months >= min_months
}

deny contains lib.finding(field, msg) if {
	applicable
	not blackout_long_enough
	msg := lib.limit_message("third_country_blackout_months", 
		"political_ads.third_country_sponsor_blackout_months is {declared}; the standard requires no third-country sponsors for at least {limit} months before a vote",
		{"declared": lib.declared(field), "limit": min_months},
	)
}
