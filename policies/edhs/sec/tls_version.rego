# METADATA
# title: Data in transit uses current TLS
# description: |
#   The platform's endpoints refuse TLS versions older than the standard's minimum
#   (TLS 1.2 by default).
# related_resources:
#   - ref: https://eur-lex.europa.eu/eli/reg/2016/679/oj
#     description: GDPR Art 32(1)(a)
#   - ref: https://www.enisa.europa.eu/publications/algorithms-key-size-and-parameters-report-2014
#     description: ENISA, Algorithms, key size and parameters report (TLS guidance)
#   - ref: https://csrc.nist.gov/pubs/sp/800/52/r2/final
#     description: NIST SP 800-52 Rev. 2, guidelines for TLS implementations
# custom:
#   id: SEC-02
#   severity: high
#   aceeeo: [R1, R3]
#   rationale: |
#     TLS 1.0 and 1.1 have known weaknesses; accepting them lets an attacker on the network
#     read or alter voters' data in transit.
#   applies_when: Always.
#   remediation: Disable TLS versions older than the minimum on every endpoint.
package edhs.sec.tls_version

import data.edhs.lib
import rego.v1

default applicable := true

min_version := data.edhs.params.min_tls_version

field := ["security", "tls", "minimum_version"]

# TLS versions from oldest to newest; a version's rank is its place in this list.
tls_versions := ["1.0", "1.1", "1.2", "1.3"]

rank(version) := i if {
	some i, known in tls_versions
	known == version
}

current_tls if rank(input.security.tls.minimum_version) >= rank(min_version)

deny contains lib.finding(field, msg) if {
	not current_tls
	msg := lib.message(
		"security.tls.minimum_version is {declared}; the standard requires at least {minimum}",
		{"declared": lib.declared(field), "minimum": min_version},
	)
}
