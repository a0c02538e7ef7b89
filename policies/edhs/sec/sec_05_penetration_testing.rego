# METADATA
# title: Security is tested regularly
# description: |
#   An independent penetration test of the systems that handle election-related data was
#   done no more than a set number of months (12 by default) before the declaration was
#   submitted.
# related_resources:
#   - ref: https://eur-lex.europa.eu/eli/reg/2016/679/oj#art_32
#     description: GDPR Art 32(1)(d)
# custom:
#   id: SEC-05
#   severity: high
#   aceeeo: [R1]
#   rationale: |
#     Only a recent test shows that the safeguards still hold against current attacks
#     before voters' data is at its most sought-after.
#   applies_when: Always.
#   remediation: Schedule an independent penetration test before the election.
#   basis: law+threshold
#   basis_note: GDPR Art 32(1)(d) requires regular testing; a penetration test at least every
#     12 months is the standard's choice.
#   references:
#   - cites: GDPR Art 32(1)(d)
#     state: confirmed
#     words: '"a process for regularly testing, assessing and evaluating the effectiveness of
#       technical and organisational measures"'
#     read_in: the Official Journal text (copy in github.com/kasnder/eur-lex-visualiser, commit
#       0fc8465)
package edhs.sec.penetration_testing

import data.edhs.lib
import rego.v1

default applicable := true

max_age := data.edhs.params.max_pentest_age_months

field := ["security", "testing", "last_penetration_test"]

tested_recently if lib.within_months(input.security.testing.last_penetration_test, lib.reference_date, max_age)

deny contains lib.finding(field, msg) if {
	not tested_recently
	msg := lib.limit_message("max_pentest_age_months", 
		"security.testing.last_penetration_test is {declared}; the standard requires a test no more than {limit} months before the reference date ({reference}), and not after it",
		{
			"declared": lib.declared(field),
			"limit": max_age,
			"reference": lib.reference_date,
		},
	)
}
