# METADATA
# title: Processors handling voter data are bound by contract
# description: |
#   Every processor that receives election-related personal data works under a signed
#   data-processing agreement.
# related_resources:
#   - ref: https://eur-lex.europa.eu/eli/reg/2016/679/oj#art_28
#     description: GDPR Art 28
# custom:
#   id: GOV-07
#   severity: medium
#   aceeeo: [R3]
#   rationale: |
#     Voters' data passed to a processor without an agreement leaves the platform's
#     control, with no binding limits on its use.
#   applies_when: Always.
#   remediation: Sign a data-processing agreement with every such processor, or stop the transfer.
#   basis: law
#   references:
#   - cites: GDPR Art 28
#     state: confirmed
#     words: 'Art 28(3): "Processing by a processor shall be governed by a contract or other
#       legal act"'
#     read_in: the Official Journal text (copy in github.com/kasnder/eur-lex-visualiser, commit
#       0fc8465)
package edhs.gov.processor_contracts

import data.edhs.lib
import rego.v1

default applicable := true

processors_field := ["processors"]

processors_declared if is_array(input.processors)

# A processor is bound when a DPA is signed; one that declares it receives no election
# data needs none under this control. Not stating either fails.
bound_by_contract(processor) if processor.dpa_signed == true

bound_by_contract(processor) if processor.receives_election_data == false

deny contains lib.finding(processors_field, msg) if {
	not processors_declared
	msg := "processors is not stated; the standard requires the list of processors (empty when there are none), each receiving election data under a data-processing agreement"
}

deny contains lib.finding(field, msg) if {
	some i, processor in input.processors
	not bound_by_contract(processor)
	field := array.concat(processors_field, [i, "dpa_signed"])
	msg := lib.message(
		"processors[{index}] ({name}): receives_election_data is {receives} and dpa_signed is {declared}; the standard requires a signed data-processing agreement with every processor that receives election data",
		{
			"index": i,
			"name": lib.declared(array.concat(processors_field, [i, "name"])),
			"receives": lib.declared(array.concat(processors_field, [i, "receives_election_data"])),
			"declared": lib.declared(field),
		},
	)
}
