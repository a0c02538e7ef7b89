# METADATA
# title: Data in transit uses current TLS
# description: |
#   The platform's endpoints refuse TLS versions older than the standard's minimum
#   (TLS 1.2 by default).
# related_resources:
#   - ref: https://eur-lex.europa.eu/eli/reg/2016/679/oj#art_32
#     description: GDPR Art 32(1)(a)
#   - ref: https://doi.org/10.6028/NIST.SP.800-52r2
#     description: NIST SP 800-52 Rev. 2 (TLS guidance)
# custom:
#   id: SEC-02
#   severity: high
#   aceeeo: [R1, R3]
#   rationale: |
#     TLS 1.0 and 1.1 have known weaknesses; accepting them lets an attacker on the network
#     read or alter voters' data in transit.
#   applies_when: Always.
#   remediation: Disable TLS versions older than the minimum on every endpoint.
#   basis: law+threshold
#   basis_note: GDPR Art 32(1)(a) requires appropriate protection; the TLS 1.2 floor comes from
#     NIST guidance, not from law.
#   references:
#   - cites: GDPR Art 32(1)(a)
#     state: confirmed
#     words: '"(a) the pseudonymisation and encryption of personal data" — "as appropriate"'
#     read_in: the Official Journal text (copy in github.com/kasnder/eur-lex-visualiser, commit
#       0fc8465)
#   - cites: NIST SP 800-52 Rev. 2 (TLS guidance)
#     state: confirmed
#     words: '"requires that TLS 1.2 configured with FIPS-based cipher suites be supported by
#       all government TLS servers and clients"'
#     read_in: https://www.nist.gov/publications/guidelines-selection-configuration-and-use-transport-layer-security-tls-0
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
	msg := lib.limit_message("min_tls_version", 
		"security.tls.minimum_version is {declared}; the standard requires at least {minimum}",
		{"declared": lib.declared(field), "minimum": min_version},
	)
}
