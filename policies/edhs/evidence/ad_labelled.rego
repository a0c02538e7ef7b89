# METADATA
# title: Every political ad in the repository was shown with its label
# description: |
#   Tests the labelling claim against the ad repository: an ad recorded as shown without
#   the political-advertisement label, or with no record of the label at all, contradicts
#   a declaration that every political ad is labelled.
# related_resources:
#   - ref: https://eur-lex.europa.eu/eli/reg/2024/900/oj
#     description: TTPA Art 11(1)(a)
# custom:
#   evidence_for: ADS-01
#   claim: political_ads.labelling.label_shown
#   violation: were shown without the political-advertisement label (or without a record of it)
package edhs.evidence.ad_labelled

import rego.v1

violation if input.ads.label_shown == false

violation if input.ads.label_shown == null
