# METADATA
# title: AI-generated or manipulated election content is labelled
# description: |
#   Realistic synthetic or manipulated images, audio and video about candidates, parties
#   or the election are labelled for users, and the platform reads industry provenance
#   signals (such as C2PA content credentials) to find them.
# related_resources:
#   - ref: https://eur-lex.europa.eu/eli/reg/2024/1689/oj
#     description: AI Act Art 50(2), 50(4)
#   - ref: https://eur-lex.europa.eu/eli/reg/2022/2065/oj
#     description: DSA Art 35(1)(k)
#   - ref: https://eur-lex.europa.eu/eli/C/2024/3014/oj
#     description: Commission Guidelines C/2024/3014
# custom:
#   id: INT-01
#   severity: critical
#   aceeeo: [R7]
#   rationale: |
#     An unlabelled deepfake of a candidate can change how voters see the election
#     before anyone can correct it.
#   applies_when: Always.
#   remediation: Label synthetic and manipulated media and read provenance metadata to detect it.
package edhs.int.synthetic_media

import data.edhs.lib
import rego.v1

default applicable := true

labelled_field := ["integrity", "synthetic_media", "labelled"]

provenance_field := ["integrity", "synthetic_media", "detects_provenance_metadata"]

synthetic_media_labelled if input.integrity.synthetic_media.labelled == true

reads_provenance_signals if input.integrity.synthetic_media.detects_provenance_metadata == true

deny contains lib.finding(labelled_field, msg) if {
	not synthetic_media_labelled
	msg := lib.message(
		"integrity.synthetic_media.labelled is {declared}; the standard requires synthetic or manipulated election media to be labelled for users",
		{"declared": lib.declared(labelled_field)},
	)
}

deny contains lib.finding(provenance_field, msg) if {
	not reads_provenance_signals
	msg := lib.message(
		"integrity.synthetic_media.detects_provenance_metadata is {declared}; the standard requires the platform to read provenance signals such as C2PA",
		{"declared": lib.declared(provenance_field)},
	)
}
