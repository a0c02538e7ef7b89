# METADATA
# title: Election-period moderation data is kept only as long as needed
# description: |
#   Personal data collected for election-integrity work (user reports, flags, account
#   signals) has a declared retention of at most 24 months (a national profile may set
#   fewer), except where it must be kept for legal proceedings.
# related_resources:
#   - ref: https://eur-lex.europa.eu/eli/reg/2016/679/oj#art_5
#     description: GDPR Art 5(1)(e)
# custom:
#   id: MIN-05
#   severity: medium
#   aceeeo: [R3]
#   rationale: |
#     Integrity data describes who reported, who was flagged and why; kept without a
#     limit, it outlives its purpose and becomes a record of voters' political activity.
#   applies_when: Always.
#   remediation: Declare a retention limit for election-integrity data and enforce it.
#   basis: law+threshold
#   basis_note: GDPR Art 5(1)(e) limits storage to what is necessary; the 24-month limit is
#     the standard's choice.
#   references:
#   - cites: GDPR Art 5(1)(e)
#     state: confirmed
#     words: '"kept … for no longer than is necessary for the purposes … (‘storage limitation’)"'
#     read_in: the Official Journal text (copy in github.com/kasnder/eur-lex-visualiser, commit
#       0fc8465)
package edhs.min.integrity_data_retention

import data.edhs.lib
import rego.v1

default applicable := true

max_months := data.edhs.params.max_integrity_retention_months

field := ["retention", "integrity_data_months"]

retention_bounded if {
	months := input.retention.integrity_data_months
	lib.non_negative_number(months)
	months <= max_months
}

deny contains lib.finding(field, msg) if {
	not retention_bounded
	msg := lib.limit_message("max_integrity_retention_months", 
		"retention.integrity_data_months is {declared}; the standard allows at most {limit} months",
		{"declared": lib.declared(field), "limit": max_months},
	)
}
