{{/*
Naming, labels and the per-service view of the values. Every per-service template ranges over
.Values.services and reads the merged block from "brushline.component", so adding a service is a
values change, not a template change.
*/}}

{{- define "brushline.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{- define "brushline.fullname" -}}
{{- if .Values.fullnameOverride -}}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- $name := default .Chart.Name .Values.nameOverride -}}
{{- if contains $name .Release.Name -}}
{{- .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}
{{- end -}}

{{/* Name of a service's objects. Arguments: dict "root" $ "name" <service>. */}}
{{- define "brushline.componentName" -}}
{{- printf "%s-%s" (include "brushline.fullname" .root) .name | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{- define "brushline.chartLabel" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/* Labels shared by every object of the release. */}}
{{- define "brushline.labels" -}}
helm.sh/chart: {{ include "brushline.chartLabel" . }}
app.kubernetes.io/name: {{ include "brushline.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/part-of: brushline
{{- end -}}

{{/* Selector labels of one service's pods. Arguments: dict "root" $ "name" <service>. */}}
{{- define "brushline.selectorLabels" -}}
app.kubernetes.io/name: {{ include "brushline.name" .root }}
app.kubernetes.io/instance: {{ .root.Release.Name }}
app.kubernetes.io/component: {{ .name }}
{{- end -}}

{{/* All labels of one service's objects. Arguments: dict "root" $ "name" <service>. */}}
{{- define "brushline.componentLabels" -}}
{{ include "brushline.labels" .root }}
app.kubernetes.io/component: {{ .name }}
{{- end -}}

{{/*
One service's values deep-merged over .Values.global, as YAML (read it back with fromYaml).
Arguments: dict "root" $ "name" <service>.
*/}}
{{- define "brushline.component" -}}
{{- $service := index .root.Values.services .name -}}
{{- mergeOverwrite (deepCopy .root.Values.global) (deepCopy $service) | toYaml -}}
{{- end -}}

{{/* Image reference of a merged component. Arguments: dict "root" $ "c" <component>. */}}
{{- define "brushline.image" -}}
{{- $tag := .c.image.tag | default .root.Chart.AppVersion -}}
{{- if .c.image.registry -}}
{{- printf "%s/%s:%s" .c.image.registry .c.image.repository $tag -}}
{{- else -}}
{{- printf "%s:%s" .c.image.repository $tag -}}
{{- end -}}
{{- end -}}

{{- define "brushline.secretName" -}}
{{- .Values.secrets.existingSecret | default (include "brushline.fullname" .) -}}
{{- end -}}

{{/* True ("true") when KEDA or an HPA owns the replica count of a merged component. */}}
{{- define "brushline.autoscaled" -}}
{{- $keda := and .root.Values.keda.enabled .c.autoscaling.keda .c.autoscaling.keda.enabled .c.consumes -}}
{{- $hpa := and .c.autoscaling.hpa .c.autoscaling.hpa.enabled -}}
{{- if or $keda $hpa -}}true{{- end -}}
{{- end -}}
