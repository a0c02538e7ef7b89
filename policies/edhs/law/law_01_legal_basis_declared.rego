# METADATA
# title: Each election-related purpose has a declared legal basis
# description: |
#   Every processing purpose the platform declares names one of the six legal bases of
#   GDPR Art 6(1): consent, contract, legal obligation, vital interests, public task or
#   legitimate interests.
# related_resources:
#   - ref: https://eur-lex.europa.eu/eli/reg/2016/679/oj#art_6
#     description: GDPR Art 6(1)
# custom:
#   id: LAW-01
#   severity: high
#   aceeeo: [R3, R4]
#   rationale: |
#     Processing voters' data without a documented legal basis is unlawful, and an EMB
#     cannot judge whether a purpose is legitimate if the basis is not stated.
#   applies_when: Always.
#   remediation: Document the GDPR Art 6(1) legal basis of every processing purpose.
#   basis: law
#   references:
#   - cites: GDPR Art 6(1)
#     state: confirmed
#     words: '"Processing shall be lawful only if and to the extent that at least one of the
#       following applies" (a)–(f)'
#     read_in: the Official Journal text (copy in github.com/kasnder/eur-lex-visualiser, commit
#       0fc8465)
package edhs.law.legal_basis_declared

import data.edhs.lib
import rego.v1

default applicable := true

# The legal bases of GDPR Art 6(1), as the declaration names them.
art6_bases := {
	"consent",
	"contract",
	"legal_obligation",
	"vital_interests",
	"public_task",
	"legitimate_interests",
}

purposes_field := ["processing", "purposes"]

purposes_declared if is_array(input.processing.purposes)

has_art6_basis(purpose) if purpose.legal_basis in art6_bases

deny contains lib.finding(purposes_field, msg) if {
	not purposes_declared
	msg := "processing.purposes is not stated; the standard requires every election-related processing purpose to be declared with its legal basis"
}

deny contains lib.finding(field, msg) if {
	some i, purpose in input.processing.purposes
	not has_art6_basis(purpose)
	field := array.concat(purposes_field, [i, "legal_basis"])
	msg := lib.message(
		"the legal basis of purpose '{purpose}' is {declared}; the standard requires one of the GDPR Art 6(1) bases: {bases}",
		{
			"purpose": lib.declared(array.concat(purposes_field, [i, "name"])),
			"declared": lib.declared(field),
			"bases": art6_bases,
		},
	)
}
