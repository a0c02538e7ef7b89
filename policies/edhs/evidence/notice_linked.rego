# METADATA
# title: Every political ad in the repository links to its transparency notice
# description: |
#   Tests the transparency-notice claim against the ad repository: an ad without a link
#   to its transparency notice cannot have given voters the notice the platform declares.
# related_resources:
#   - ref: https://eur-lex.europa.eu/eli/reg/2024/900/oj
#     description: TTPA Art 11(1)(e) (the transparency notice, as Art 12(1) refers to it)
# custom:
#   evidence_for: ADS-03
#   claim: political_ads.transparency_notice.fields
#   violation: have no link to a transparency notice
package edhs.evidence.notice_linked

import rego.v1

violation if input.ads.transparency_notice_url == null

violation if input.ads.transparency_notice_url == ""
