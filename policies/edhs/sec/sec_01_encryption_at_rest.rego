# METADATA
# title: Election-related personal data is encrypted at rest
# description: |
#   Stored election-related personal data is encrypted with an approved algorithm and
#   key size (by default AES-256 or AES-128).
# related_resources:
#   - ref: https://eur-lex.europa.eu/eli/reg/2016/679/oj#art_32
#     description: GDPR Art 32(1)(a)
# custom:
#   id: SEC-01
#   severity: high
#   aceeeo: [R1, R3]
#   rationale: |
#     Voters' data stored in the clear, or under a weak cipher, is exposed to anyone who
#     gets hold of a disk, a backup or a database copy.
#   applies_when: Always.
#   remediation: Enable encryption at rest with an approved algorithm.
#   basis: law+threshold
#   basis_note: GDPR Art 32(1)(a) requires encryption as appropriate; the list of approved algorithms
#     is the standard's choice.
#   references:
#   - cites: GDPR Art 32(1)(a)
#     state: confirmed
#     words: '"(a) the pseudonymisation and encryption of personal data" — "as appropriate"'
#     read_in: the Official Journal text (copy in github.com/kasnder/eur-lex-visualiser, commit
#       0fc8465)
package edhs.sec.encryption_at_rest

import data.edhs.lib
import rego.v1

default applicable := true

approved_algorithms := data.edhs.params.approved_at_rest_algorithms

enabled_field := ["security", "encryption_at_rest", "enabled"]

algorithm_field := ["security", "encryption_at_rest", "algorithm"]

encrypted_at_rest if input.security.encryption_at_rest.enabled == true

approved_algorithm if input.security.encryption_at_rest.algorithm in approved_algorithms

deny contains lib.finding(enabled_field, msg) if {
	not encrypted_at_rest
	msg := lib.message(
		"security.encryption_at_rest.enabled is {declared}; the standard requires election-related personal data to be encrypted at rest",
		{"declared": lib.declared(enabled_field)},
	)
}

deny contains lib.finding(algorithm_field, msg) if {
	not approved_algorithm
	msg := lib.limit_message("approved_at_rest_algorithms", 
		"security.encryption_at_rest.algorithm is {declared}; the standard requires one of {approved}",
		{"declared": lib.declared(algorithm_field), "approved": approved_algorithms},
	)
}
