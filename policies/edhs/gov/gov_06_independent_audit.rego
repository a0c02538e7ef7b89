# METADATA
# title: An independent audit is performed yearly
# description: |
#   An independent audit of the platform's DSA obligations was completed no more than
#   12 months before the declaration was submitted, and its report is published.
# related_resources:
#   - ref: https://eur-lex.europa.eu/eli/reg/2022/2065/oj#art_37
#     description: DSA Art 37 (independent audit)
#   - ref: https://eur-lex.europa.eu/eli/reg/2022/2065/oj#art_42
#     description: DSA Art 42(4) (publication of the audit report)
# custom:
#   id: GOV-06
#   severity: medium
#   aceeeo: [R6]
#   rationale: |
#     A recent, published independent audit lets the EMB and the public rely on the
#     platform's claims without taking its word for them.
#   applies_when: Very large online platforms (DSA Art 33).
#   remediation: Commission the independent audit and publish its report.
#   basis: law
#   references:
#   - cites: DSA Art 37 (independent audit)
#     state: confirmed
#     words: '"at their own expense and at least once a year, to independent audits"'
#     read_in: the Official Journal text (copy in github.com/kasnder/eur-lex-visualiser, commit
#       0fc8465)
#   - cites: DSA Art 42(4) (publication of the audit report)
#     state: confirmed
#     words: '"make publicly available at the latest three months after the receipt of each
#       audit report"; (c) "the audit report"'
#     read_in: the Official Journal text (copy in github.com/kasnder/eur-lex-visualiser, commit
#       0fc8465)
package edhs.gov.independent_audit

import data.edhs.lib
import rego.v1

default applicable := false

applicable if lib.vlop

max_age := data.edhs.params.max_audit_age_months

completed_field := ["governance", "independent_audit", "last_completed"]

report_field := ["governance", "independent_audit", "report_url"]

audited_recently if lib.within_months(input.governance.independent_audit.last_completed, lib.reference_date, max_age)

report_published if lib.web_address(input.governance.independent_audit.report_url)

deny contains lib.finding(completed_field, msg) if {
	applicable
	not audited_recently
	msg := lib.limit_message("max_audit_age_months", 
		"governance.independent_audit.last_completed is {declared}; the standard requires an audit completed no more than {limit} months before the reference date ({reference}), and not after it",
		{
			"declared": lib.declared(completed_field),
			"limit": max_age,
			"reference": lib.reference_date,
		},
	)
}

deny contains lib.finding(report_field, msg) if {
	applicable
	not report_published
	msg := lib.message(
		"governance.independent_audit.report_url is {declared}; the standard requires the address where the audit report is published",
		{"declared": lib.declared(report_field)},
	)
}
