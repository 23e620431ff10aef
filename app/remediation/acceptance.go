package remediation

import (
	"fmt"
	"strings"

	"gorm.io/gorm"

	"khung/app/authz"
	"khung/app/officialdoc"
	"khung/app/registers"
	"khung/models"
)

// numberAcceptance gives the notice that a recommendation is carried out
// (kinds.toml's [acceptance]) its number in the register of notices of the
// agency that signed the conclusion (TB-SNV of the year of acceptance), in
// the transaction that accepts the report rep.
func numberAcceptance(tx *gorm.DB, rep *models.RemediationReport, conclusionID int64, a authz.Actor, year int) error {
	book, err := officialdoc.Default()
	if err != nil {
		return err
	}
	var symbol string
	if err := tx.Raw(`SELECT symbol FROM conclusions WHERE id = ?`, conclusionID).Scan(&symbol).Error; err != nil {
		return fmt.Errorf("symbol of conclusion %d: %w", conclusionID, err)
	}
	_, agency, _ := strings.Cut(symbol, "-")
	key := registers.Key{Agency: agency, DocType: book.Acceptance.DocType, Year: year}
	var by *int64
	if a.UserID != 0 {
		uid := a.UserID
		by = &uid
	}
	_, err = registers.Take(tx, key, registers.Entry{Entity: "acceptance", By: by}, func(n int) (int64, error) {
		sym := key.Symbol()
		if err := tx.Model(rep).Updates(map[string]any{"acceptance_number": n, "acceptance_symbol": sym}).Error; err != nil {
			return 0, fmt.Errorf("number the acceptance of report %d: %w", rep.ID, err)
		}
		rep.AcceptanceNumber, rep.AcceptanceSymbol = &n, &sym
		return rep.ID, nil
	})
	return err
}
