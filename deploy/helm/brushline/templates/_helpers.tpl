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
{{- $repository := .c.image.repository -}}
{{- if .c.image.registry -}}
{{- $repository = printf "%s/%s" .c.image.registry .c.image.repository -}}
{{- end -}}
{{- if .c.image.digest -}}
{{- printf "%s@%s" $repository .c.image.digest -}}
{{- else -}}
{{- printf "%s:%s" $repository (.c.image.tag | default .root.Chart.AppVersion) -}}
{{- end -}}
{{- end -}}

{{/*
Kafka client settings of kafka.security as container env entries. Quarkus turns every KAFKA_*
variable into the Kafka client property of the same name (KAFKA_SASL_JAAS_CONFIG ->
sasl.jaas.config); certificates go in as PEM text, so no key store files are needed. The JAAS line
refers to the password variable with $(...), which the kubelet expands.
*/}}
{{- define "brushline.kafkaSecurityEnv" -}}
{{- $sec := .Values.kafka.security -}}
{{- if ne $sec.protocol "PLAINTEXT" }}
- name: KAFKA_SECURITY_PROTOCOL
  value: {{ $sec.protocol | quote }}
{{- end }}
{{- if hasPrefix "SASL_" $sec.protocol }}
{{- if not (and $sec.sasl.username $sec.sasl.passwordSecret.name) }}
{{- fail "kafka.security: SASL needs sasl.username and sasl.passwordSecret.name" }}
{{- end }}
- name: KAFKA_SASL_MECHANISM
  value: {{ $sec.sasl.mechanism | quote }}
- name: BRUSHLINE_KAFKA_PASSWORD
  valueFrom:
    secretKeyRef: {name: {{ $sec.sasl.passwordSecret.name }}, key: {{ $sec.sasl.passwordSecret.key }}}
- name: KAFKA_SASL_JAAS_CONFIG
  value: {{ printf "%s required username=\"%s\" password=\"$(BRUSHLINE_KAFKA_PASSWORD)\";" (ternary "org.apache.kafka.common.security.plain.PlainLoginModule" "org.apache.kafka.common.security.scram.ScramLoginModule" (eq $sec.sasl.mechanism "PLAIN")) $sec.sasl.username | quote }}
{{- end }}
{{- if and (hasSuffix "SSL" $sec.protocol) $sec.tls.caSecret.name }}
- name: KAFKA_SSL_TRUSTSTORE_TYPE
  value: PEM
- name: KAFKA_SSL_TRUSTSTORE_CERTIFICATES
  valueFrom:
    secretKeyRef: {name: {{ $sec.tls.caSecret.name }}, key: {{ $sec.tls.caSecret.key }}}
{{- end }}
{{- if and (hasSuffix "SSL" $sec.protocol) $sec.tls.clientSecret.name }}
- name: KAFKA_SSL_KEYSTORE_TYPE
  value: PEM
- name: KAFKA_SSL_KEYSTORE_CERTIFICATE_CHAIN
  valueFrom:
    secretKeyRef: {name: {{ $sec.tls.clientSecret.name }}, key: {{ $sec.tls.clientSecret.certificateKey }}}
- name: KAFKA_SSL_KEYSTORE_KEY
  valueFrom:
    secretKeyRef: {name: {{ $sec.tls.clientSecret.name }}, key: {{ $sec.tls.clientSecret.privateKeyKey }}}
{{- end }}
{{- end -}}

{{/*
What the pods' checksum/secret annotation hashes: the rendered Secret and secrets.checksum. The
chart does not read Secrets it does not render (lookup): that needs a cluster at render time,
returns nothing under `helm template`, GitOps tools and dry runs, and needs read access to Secrets.
Whoever rotates an existing Secret passes its new resourceVersion (or any new value) in
secrets.checksum, which changes this hash and rolls the pods.
*/}}
{{- define "brushline.secretChecksum" -}}
{{- list (include (print .Template.BasePath "/secret.yaml") .) .Values.secrets.checksum | toJson | sha256sum -}}
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
