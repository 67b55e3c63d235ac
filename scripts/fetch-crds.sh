#!/usr/bin/env bash
# Downloads the upstream CRDs the conformance tests validate against (test
# data, never committed) into a folder, and points the tests at it through
# MODEL_SERVING_CRDS_DIR. Used by the GitHub build and release workflows; on
# a machine that already has ../shared/crds there is nothing to do.
#
# Same projects, tags and paths as the shared CRD folder's README.
#   usage: scripts/fetch-crds.sh <dir>
set -euo pipefail
dir=${1:?usage: scripts/fetch-crds.sh <dir>}
gh=https://raw.githubusercontent.com

fetch() { # <folder> <owner/repo> <tag> <path>...
  local folder=$1 repo=$2 tag=$3; shift 3
  mkdir -p "$dir/$folder"
  for p in "$@"; do
    curl -fsSL --retry 3 -o "$dir/$folder/$(basename "$p")" "$gh/$repo/$tag/$p"
  done
}

k=config/crd/full
fetch kserve-v0.20.0 kserve/kserve v0.20.0 \
  $k/serving.kserve.io_clusterservingruntimes.yaml $k/serving.kserve.io_inferencegraphs.yaml \
  $k/serving.kserve.io_inferenceservices.yaml $k/serving.kserve.io_servingruntimes.yaml \
  $k/serving.kserve.io_trainedmodels.yaml \
  $k/clusterstoragecontainer/serving.kserve.io_clusterstoragecontainers.yaml \
  $k/localmodel/serving.kserve.io_localmodelcaches.yaml $k/localmodel/serving.kserve.io_localmodelnamespacecaches.yaml \
  $k/localmodel/serving.kserve.io_localmodelnodegroups.yaml \
  $k/llmisvc/serving.kserve.io_llminferenceservices.yaml $k/llmisvc/serving.kserve.io_llminferenceserviceconfigs.yaml
r=config/core/300-resources
fetch knative-serving-v1.23.0 knative/serving knative-v1.23.0 \
  $r/configuration.yaml $r/revision.yaml $r/route.yaml $r/service.yaml
fetch flagger-v1.44.0 fluxcd/flagger v1.44.0 artifacts/flagger/crd.yaml
m=manifests/crds
fetch argo-rollouts-v1.9.1 argoproj/argo-rollouts v1.9.1 \
  $m/analysis-run-crd.yaml $m/analysis-template-crd.yaml $m/cluster-analysis-template-crd.yaml $m/rollout-crd.yaml
b=config/crd/bases
fetch keda-v2.20.2 kedacore/keda v2.20.2 $b/keda.sh_scaledobjects.yaml $b/keda.sh_triggerauthentications.yaml
s=config/crd/standard
fetch gateway-api-v1.5.1 kubernetes-sigs/gateway-api v1.5.1 \
  $s/gateway.networking.k8s.io_gatewayclasses.yaml $s/gateway.networking.k8s.io_gateways.yaml \
  $s/gateway.networking.k8s.io_httproutes.yaml $s/gateway.networking.k8s.io_grpcroutes.yaml \
  $s/gateway.networking.k8s.io_referencegrants.yaml
fetch gateway-api-inference-extension-v1.5.0 kubernetes-sigs/gateway-api-inference-extension v1.5.0 \
  $b/inference.networking.k8s.io_inferencepools.yaml $b/inference.networking.x-k8s.io_inferenceobjectives.yaml
fetch lws-v0.8.0 kubernetes-sigs/lws v0.8.0 $b/leaderworkerset.x-k8s.io_leaderworkersets.yaml
p=example/prometheus-operator-crd
fetch prometheus-operator-v0.93.0 prometheus-operator/prometheus-operator v0.93.0 \
  $p/monitoring.coreos.com_prometheusrules.yaml $p/monitoring.coreos.com_servicemonitors.yaml \
  $p/monitoring.coreos.com_podmonitors.yaml

abs=$(cd "$dir" && pwd)
if [ -n "${GITHUB_ENV:-}" ]; then echo "MODEL_SERVING_CRDS_DIR=$abs" >> "$GITHUB_ENV"; fi
echo "CRDs in $abs: set MODEL_SERVING_CRDS_DIR=$abs"
