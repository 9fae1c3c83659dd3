{{- define "ddd.fullname" -}}{{ .Release.Name }}-ddd{{- end -}}
{{- define "ddd.secretName" -}}{{ default (printf "%s-secrets" (include "ddd.fullname" .)) .Values.existingSecret }}{{- end -}}
{{- define "ddd.labels" -}}
app.kubernetes.io/name: ddd
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
{{- end -}}
{{- define "ddd.env" -}}
- name: DDD_STATE
  value: {{ .Values.state | quote }}
- name: DDD_LISTEN
  value: "0.0.0.0:8080"
- name: DDD_GITHUB_APP_ID
  value: {{ .Values.github.appId | quote }}
{{- with .Values.github.apiUrl }}
- name: DDD_GITHUB_API_URL
  value: {{ . | quote }}
{{- end }}
{{- with .Values.gitlab.apiUrl }}
- name: DDD_GITLAB_API_URL
  value: {{ . | quote }}
{{- end }}
{{- with .Values.gitlab.projects }}
- name: DDD_GITLAB_PROJECTS
  value: {{ join "," . | quote }}
{{- end }}
{{- if not (kindIs "invalid" .Values.gitlab.discoverProjects) }}
- name: DDD_GITLAB_DISCOVER_PROJECTS
  value: {{ .Values.gitlab.discoverProjects | toString | quote }}
{{- end }}
{{- if not (kindIs "invalid" .Values.scheduler.jobRetentionDays) }}
- name: DDD_JOB_RETENTION_DAYS
  value: {{ .Values.scheduler.jobRetentionDays | toString | quote }}
{{- end }}
- name: DDD_GITHUB_PRIVATE_KEY_FILE
  value: /var/run/ddd/github-app.pem
- name: DDD_GITHUB_WEBHOOK_SECRET_FILE
  value: /var/run/ddd/github-webhook-secret
- name: DDD_GITLAB_WEBHOOK_TOKEN_FILE
  value: /var/run/ddd/gitlab-webhook-token
- name: DDD_GITLAB_TOKEN_FILE
  value: /var/run/ddd/gitlab-token
- name: PGPASSFILE
  value: /var/run/ddd/pgpass
{{- end -}}
{{- define "ddd.pod" -}}
securityContext:
  runAsNonRoot: true
  runAsUser: 10001
  fsGroup: 10001
  seccompProfile: {type: RuntimeDefault}
volumes:
  - name: secrets
    secret:
      secretName: {{ include "ddd.secretName" . }}
      defaultMode: 0400
      optional: true
  - name: work
    emptyDir: {}
{{- end -}}
