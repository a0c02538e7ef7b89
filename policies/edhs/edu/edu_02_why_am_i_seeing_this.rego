# METADATA
# title: Users can see why they saw a political ad
# description: |
#   From each political ad, users can see why it was shown to them: the main targeting
#   and delivery parameters used to reach them.
# related_resources:
#   - ref: https://eur-lex.europa.eu/eli/reg/2022/2065/oj#art_26
#     description: DSA Art 26(1)(d)
#   - ref: https://eur-lex.europa.eu/eli/reg/2024/900/oj#art_19
#     description: TTPA Art 19(1)(c)
# custom:
#   id: EDU-02
#   severity: high
#   aceeeo: [R4, R5]
#   rationale: |
#     Knowing why an ad reached them lets voters recognise when they are being targeted
#     on their profile and judge the message accordingly.
#   applies_when: Platforms that accept political ads.
#   remediation: Add a "why am I seeing this ad" explanation to every political ad.
#   basis: law
#   references:
#   - cites: DSA Art 26(1)(d)
#     state: confirmed
#     words: '"meaningful information directly and easily accessible from the advertisement
#       about the main parameters used to determine the recipient"'
#     read_in: the Official Journal text (copy in github.com/kasnder/eur-lex-visualiser, commit
#       0fc8465)
#   - cites: TTPA Art 19(1)(c)
#     state: unconfirmed
#     note: 'the point is not confirmed: Art 19 was not read verbatim; a secondary source says
#       Art 19 covers the targeting criteria and data sources (https://www.dr-datenschutz.de/die-neue-ttpw-vo-transparenz-und-dokumentation/)'
package edhs.edu.why_am_i_seeing_this

import data.edhs.lib
import rego.v1

default applicable := false

applicable if lib.sells_political_ads

field := ["political_ads", "why_am_i_seeing_this"]

explanation_offered if input.political_ads.why_am_i_seeing_this == true

deny contains lib.finding(field, msg) if {
	applicable
	not explanation_offered
	msg := lib.message(
		"political_ads.why_am_i_seeing_this is {declared}; the standard requires users to see, from each political ad, why it was shown to them",
		{"declared": lib.declared(field)},
	)
}
