# METADATA
# title: Targeting data has a bounded retention
# description: |
#   Personal data used to target political ads is deleted at the latest twelve months
#   (a national profile may set fewer) after the end of the campaign it served.
# related_resources:
#   - ref: https://eur-lex.europa.eu/eli/reg/2016/679/oj#art_5
#     description: GDPR Art 5(1)(e)
#   - ref: https://eur-lex.europa.eu/eli/reg/2016/679/oj#art_13
#     description: GDPR Art 13(2)(a) (storage period must be stated)
# custom:
#   id: MIN-03
#   severity: high
#   aceeeo: [R3]
#   rationale: |
#     Targeting data kept after the campaign becomes a standing profile of voters'
#     political interests, ready to be reused or leaked before the next election.
#   applies_when: Platforms that accept political ads.
#   remediation: Shorten the retention of targeting data and automate its deletion.
#   basis: law+threshold
#   basis_note: GDPR Art 5(1)(e) limits storage to what is necessary; the 12-month limit is
#     the standard's choice.
#   references:
#   - cites: GDPR Art 5(1)(e)
#     state: confirmed
#     words: '"kept … for no longer than is necessary for the purposes … (‘storage limitation’)"'
#     read_in: the Official Journal text (copy in github.com/kasnder/eur-lex-visualiser, commit
#       0fc8465)
#   - cites: GDPR Art 13(2)(a) (storage period must be stated)
#     state: confirmed
#     words: '"the period for which the personal data will be stored"'
#     read_in: the Official Journal text (copy in github.com/kasnder/eur-lex-visualiser, commit
#       0fc8465)
package edhs.min.targeting_data_retention

import data.edhs.lib
import rego.v1

default applicable := false

applicable if lib.sells_political_ads

max_months := data.edhs.params.max_targeting_retention_months

field := ["retention", "targeting_data_months"]

retention_bounded if {
	months := input.retention.targeting_data_months
	lib.non_negative_number(months)
	months <= max_months
}

deny contains lib.finding(field, msg) if {
	applicable
	not retention_bounded
	msg := lib.limit_message("max_targeting_retention_months", 
		"retention.targeting_data_months is {declared}; the standard allows at most {limit} months after the campaign",
		{"declared": lib.declared(field), "limit": max_months},
	)
}
