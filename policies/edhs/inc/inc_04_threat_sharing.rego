# METADATA
# title: Threat information is shared with EMBs
# description: |
#   The platform shares what it learns about election-related threats (coordinated
#   campaigns, account takeovers, foreign interference) with the election management body
#   and the competent authorities, at least once per covered election and within hours
#   for a serious threat.
# related_resources:
#   - ref: https://aceeeo.org
#     description: ACEEEO Declaration on Security, Privacy and Integrity of Elections, R2
#   - ref: https://eur-lex.europa.eu/eli/dir/2022/2555/oj#art_29
#     description: NIS2 Art 29 (voluntary information sharing)
#   - ref: https://digital-strategy.ec.europa.eu/en/library/guidelines-providers-vlops-and-vloses-mitigation-systemic-risks-electoral-processes
#     description: Commission Guidelines C/2024/3014 (exchange of information)
# custom:
#   id: INC-04
#   severity: high
#   aceeeo: [R2, R7]
#   rationale: |
#     An EMB can only warn voters and protect its own systems against the threats it
#     hears about, and hears about them in time.
#   applies_when: Always.
#   remediation: Agree a threat-sharing procedure with the EMB, with a deadline for serious threats.
#   basis: standard
#   basis_note: NIS2 Art 29 is voluntary sharing within communities of essential and important
#     entities; sharing threat information with EMBs within 24 hours is the standard's.
#   references:
#   - cites: ACEEEO Declaration on Security, Privacy and Integrity of Elections, R2
#     state: unconfirmed
#     note: the declaration text was not found, so recommendation R2 could not be checked; the
#       association is reported dissolved on 11 March 2022 (https://wikious.com/en/Association_of_Central_and_Eastern_European_Election_Officials)
#   - cites: NIS2 Art 29 (voluntary information sharing)
#     state: confirmed
#     words: '"able to exchange on a voluntary basis relevant cybersecurity information"; 29(2)
#       "within communities of essential and important entities"'
#     read_in: https://rgpd.com/nis2-directive/chapter-6-information-sharing/article-29-cybersecurity-information-sharing-arrangements/
#   - cites: Commission Guidelines C/2024/3014 (exchange of information)
#     state: unconfirmed
#     note: 'the number C/2024/3014 was not found in any source read and the guidelines were
#       not read (the Commission page says they were adopted on 26 April 2024); a secondary
#       source supports the substance: "foster an efficient exchange of information before,
#       during, and after the election" (https://www.ictbusiness.biz/business/ec-revealed-dsa-guidelines-for-election-online-risks)'
package edhs.inc.threat_sharing

import data.edhs.lib
import rego.v1

default applicable := true

max_hours := data.edhs.params.max_threat_sharing_hours

shared_field := ["incident_response", "threat_sharing", "with_emb"]

hours_field := ["incident_response", "threat_sharing", "serious_threat_hours"]

shares_with_emb if input.incident_response.threat_sharing.with_emb == true

serious_threats_shared_in_time if {
	hours := input.incident_response.threat_sharing.serious_threat_hours
	lib.non_negative_number(hours)
	hours <= max_hours
}

deny contains lib.finding(shared_field, msg) if {
	not shares_with_emb
	msg := lib.message(
		"incident_response.threat_sharing.with_emb is {declared}; the standard requires detected election threats to be shared with the EMB",
		{"declared": lib.declared(shared_field)},
	)
}

deny contains lib.finding(hours_field, msg) if {
	not serious_threats_shared_in_time
	msg := lib.limit_message("max_threat_sharing_hours", 
		"incident_response.threat_sharing.serious_threat_hours is {declared}; the standard allows at most {limit} hours",
		{"declared": lib.declared(hours_field), "limit": max_hours},
	)
}
