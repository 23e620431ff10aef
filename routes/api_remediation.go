package routes

import (
	"encoding/base64"
	"strconv"
	"time"

	"github.com/gofiber/fiber/v2"

	"khung/app/apperr"
	"khung/app/attachments"
	"khung/app/remediation"
	"khung/models"
)

// apiList: GET /api/v1/recommendations?status=&overdue=
func (r *remediationPages) apiList(c *fiber.Ctx) error {
	f, err := recommendationFilter(c)
	if err != nil {
		return r.jsonError(c, err)
	}
	items, err := r.svc.List(ctxOf(c), actorOf(c), f, r.today())
	if err != nil {
		return r.jsonError(c, err)
	}
	if items == nil {
		items = []remediation.Item{}
	}
	return c.JSON(fiber.Map{"items": items})
}

// apiReport is a remediation report as the JSON API shows it.
type apiReport struct {
	ID             int64                `json:"id"`
	Body           string               `json:"body"`
	SubmittedAt    time.Time            `json:"submitted_at"`
	SubmittedBy    string               `json:"submitted_by"`
	Outcome        models.ReportOutcome `json:"outcome"`
	DecidedAt      *time.Time           `json:"decided_at"`
	DecidedBy      string               `json:"decided_by"`
	DecisionReason string               `json:"decision_reason"`
	Files          []apiFile            `json:"files"`
}

type apiFile struct {
	ID          int64  `json:"id"`
	Filename    string `json:"filename"`
	ContentType string `json:"content_type"`
	SizeBytes   int64  `json:"size_bytes"`
	SHA256      string `json:"sha256"`
	URL         string `json:"url"`
}

func toAPIReport(rep remediation.Report) apiReport {
	out := apiReport{ID: rep.ID, Body: rep.Body, SubmittedAt: rep.SubmittedAt, SubmittedBy: rep.SubmitterName,
		Outcome: rep.Outcome, DecidedAt: rep.DecidedAt, DecidedBy: rep.DeciderName, DecisionReason: rep.DecisionReason,
		Files: []apiFile{}}
	for _, f := range rep.Files {
		out.Files = append(out.Files, apiFile{ID: f.ID, Filename: f.Filename, ContentType: f.ContentType,
			SizeBytes: f.SizeBytes, SHA256: f.SHA256, URL: "/attachments/" + strconv.FormatInt(f.ID, 10)})
	}
	return out
}

// apiGet: GET /api/v1/recommendations/:id — with the history of reports.
func (r *remediationPages) apiGet(c *fiber.Ctx) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	d, err := r.svc.Get(ctxOf(c), actorOf(c), id, r.today())
	if err != nil {
		return r.jsonError(c, err)
	}
	reports := make([]apiReport, len(d.Reports))
	for i, rep := range d.Reports {
		reports[i] = toAPIReport(rep)
	}
	return c.JSON(fiber.Map{"recommendation": d.Item, "reference": d.Reference(), "reports": reports,
		"can_report": d.CanReport, "can_verify": d.CanVerify})
}

// apiSubmit: POST /api/v1/recommendations/:id/reports
// {"body": "…", "files": [{"filename": "…", "content_base64": "…"}]}
func (r *remediationPages) apiSubmit(c *fiber.Ctx) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	var in struct {
		Body  string `json:"body"`
		Files []struct {
			Filename      string `json:"filename"`
			ContentBase64 string `json:"content_base64"`
		} `json:"files"`
	}
	if err := bindJSON(c, &in); err != nil {
		return r.jsonError(c, err)
	}
	if len(in.Files) > attachments.MaxFilesPerUpload {
		return r.jsonError(c, apperr.Field("files", "max_files", "request.too_many_files"))
	}
	var files []attachments.File
	for i, f := range in.Files {
		field := "files[" + strconv.Itoa(i) + "]"
		if int64(base64.StdEncoding.DecodedLen(len(f.ContentBase64))) > r.Config.UploadMaxBytes+3 {
			return r.jsonError(c, apperr.Field(field, "max_size", "request.file_too_large"))
		}
		data, err := base64.StdEncoding.DecodeString(f.ContentBase64)
		if err != nil {
			return r.jsonError(c, apperr.Field(field+".content_base64", "base64", "request.content_base64"))
		}
		if int64(len(data)) > r.Config.UploadMaxBytes {
			return r.jsonError(c, apperr.Field(field, "max_size", "request.file_too_large"))
		}
		checked, err := attachments.CheckBytes(f.Filename, data, field)
		if err != nil {
			return r.jsonError(c, err)
		}
		files = append(files, checked)
	}
	rep, err := r.svc.Submit(ctxOf(c), actorOf(c), id, remediation.ReportInput{Body: in.Body, Files: files}, r.Now())
	if err != nil {
		return r.jsonError(c, err)
	}
	return c.Status(fiber.StatusCreated).JSON(fiber.Map{"id": rep.ID, "recommendation_id": rep.RecommendationID, "outcome": rep.Outcome})
}

// apiQueue: GET /api/v1/remediation-reports — pending reports to judge.
func (r *remediationPages) apiQueue(c *fiber.Ctx) error {
	q, err := r.svc.Queue(ctxOf(c), actorOf(c), r.today())
	if err != nil {
		return r.jsonError(c, err)
	}
	out := make([]fiber.Map, len(q))
	for i, it := range q {
		out[i] = fiber.Map{"report": toAPIReport(it.Report), "recommendation": it.Item}
	}
	return c.JSON(fiber.Map{"items": out})
}

// apiDecide: POST /api/v1/remediation-reports/:id/verdict {"accept": bool, "reason": "…"}
func (r *remediationPages) apiDecide(c *fiber.Ctx) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	var in struct {
		Accept *bool  `json:"accept"`
		Reason string `json:"reason"`
	}
	if err := bindJSON(c, &in); err != nil {
		return r.jsonError(c, err)
	}
	if in.Accept == nil {
		return r.jsonError(c, apperr.Field("accept", "required", "request.verdict_required"))
	}
	rep, err := r.svc.Decide(ctxOf(c), actorOf(c), id, remediation.Verdict{Accept: *in.Accept, Reason: in.Reason}, r.Now())
	if err != nil {
		return r.jsonError(c, err)
	}
	return c.JSON(fiber.Map{"id": rep.ID, "recommendation_id": rep.RecommendationID, "outcome": rep.Outcome,
		"decided_at": rep.DecidedAt, "decision_reason": rep.DecisionReason})
}

// apiNotifications: GET /api/v1/notifications — the user's, unread first.
func (r *remediationPages) apiNotifications(c *fiber.Ctx) error {
	list, err := r.inbox.List(ctxOf(c), actorOf(c))
	if err != nil {
		return r.jsonError(c, err)
	}
	if list == nil {
		list = []models.Notification{}
	}
	return c.JSON(fiber.Map{"items": list})
}
