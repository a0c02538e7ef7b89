# METADATA
# title: Access to voter data is role-based and logged
# description: |
#   Access to election-related personal data is granted by role, on a need-to-know
#   basis, every access is logged, and the logs are kept for a minimum number of months
#   (12 by default).
# related_resources:
#   - ref: https://eur-lex.europa.eu/eli/reg/2016/679/oj#art_32
#     description: GDPR Art 32(1)(b)
#   - ref: https://eur-lex.europa.eu/eli/reg/2016/679/oj#art_5
#     description: GDPR Art 5(1)(f)
# custom:
#   id: SEC-04
#   severity: high
#   aceeeo: [R1, R3]
#   rationale: |
#     Role-based access limits who can see voters' data, and access logs kept long enough
#     show who did when misuse is suspected after an election.
#   applies_when: Always.
#   remediation: Restrict access to voter data by role, log every access and keep the logs long enough.
#   basis: law+threshold
#   basis_note: GDPR Art 32(1)(b) and Art 5(1)(f) require appropriate security; role-based access
#     and 12 months of access logs are the standard's choice.
#   references:
#   - cites: GDPR Art 32(1)(b)
#     state: confirmed
#     words: '"the ability to ensure the ongoing confidentiality, integrity, availability and
#       resilience of processing systems and services"'
#     read_in: the Official Journal text (copy in github.com/kasnder/eur-lex-visualiser, commit
#       0fc8465)
#   - cites: GDPR Art 5(1)(f)
#     state: confirmed
#     words: '"processed in a manner that ensures appropriate security of the personal data"'
#     read_in: the Official Journal text (copy in github.com/kasnder/eur-lex-visualiser, commit
#       0fc8465)
package edhs.sec.access_control_logging

import data.edhs.lib
import rego.v1

default applicable := true

min_months := data.edhs.params.min_audit_log_months

role_field := ["security", "access_control", "role_based"]

logging_field := ["security", "audit_logging", "enabled"]

retention_field := ["security", "audit_logging", "retention_months"]

access_by_role if input.security.access_control.role_based == true

access_logged if input.security.audit_logging.enabled == true

logs_kept_long_enough if {
	months := input.security.audit_logging.retention_months
	is_number(months)
	months >= min_months
}

deny contains lib.finding(role_field, msg) if {
	not access_by_role
	msg := lib.message(
		"security.access_control.role_based is {declared}; the standard requires access to voter data to be granted by role",
		{"declared": lib.declared(role_field)},
	)
}

deny contains lib.finding(logging_field, msg) if {
	not access_logged
	msg := lib.message(
		"security.audit_logging.enabled is {declared}; the standard requires every access to voter data to be logged",
		{"declared": lib.declared(logging_field)},
	)
}

deny contains lib.finding(retention_field, msg) if {
	not logs_kept_long_enough
	msg := lib.limit_message("min_audit_log_months", 
		"security.audit_logging.retention_months is {declared}; the standard requires access logs to be kept at least {limit} months",
		{"declared": lib.declared(retention_field), "limit": min_months},
	)
}
