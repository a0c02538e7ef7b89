# METADATA
# scope: subpackages
# title: Targeting and profiling of voters
# description: |
#   How the platform may target political ads and profile users: which data and
#   audiences it may use, whom it must never target, and what it must publish and log.
# custom:
#   family: TGT
package edhs.tgt
