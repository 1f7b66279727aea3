package api

import (
	"net/http"
)

// The auth flows of auth collections: verification, password reset, email
// change, OTP and impersonation. Request endpoints answer the same for known
// and unknown addresses.

func (s *Server) requestVerification(w http.ResponseWriter, r *http.Request) error {
	var in struct {
		Email string `json:"email"`
	}
	if err := decodeStrict(r, &in); err != nil {
		return err
	}
	if err := s.app.RequestVerification(r.Context(), actorOf(r), r.PathValue("collection"), in.Email); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (s *Server) confirmVerification(w http.ResponseWriter, r *http.Request) error {
	var in struct {
		Token string `json:"token"`
	}
	if err := decodeStrict(r, &in); err != nil {
		return err
	}
	if err := s.app.ConfirmVerification(r.Context(), r.PathValue("collection"), in.Token); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (s *Server) requestPasswordReset(w http.ResponseWriter, r *http.Request) error {
	var in struct {
		Email string `json:"email"`
	}
	if err := decodeStrict(r, &in); err != nil {
		return err
	}
	if err := s.app.RequestPasswordReset(r.Context(), actorOf(r), r.PathValue("collection"), in.Email); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (s *Server) confirmPasswordReset(w http.ResponseWriter, r *http.Request) error {
	var in struct {
		Token           string `json:"token"`
		Password        string `json:"password"`
		PasswordConfirm string `json:"passwordConfirm"`
	}
	if err := decodeStrict(r, &in); err != nil {
		return err
	}
	if err := s.app.ConfirmPasswordReset(r.Context(), r.PathValue("collection"), in.Token, in.Password, in.PasswordConfirm); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (s *Server) requestEmailChange(w http.ResponseWriter, r *http.Request) error {
	var in struct {
		NewEmail string `json:"newEmail"`
	}
	if err := decodeStrict(r, &in); err != nil {
		return err
	}
	if err := s.app.RequestEmailChange(r.Context(), actorOf(r), r.PathValue("collection"), in.NewEmail); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (s *Server) confirmEmailChange(w http.ResponseWriter, r *http.Request) error {
	var in struct {
		Token    string `json:"token"`
		Password string `json:"password"`
	}
	if err := decodeStrict(r, &in); err != nil {
		return err
	}
	if err := s.app.ConfirmEmailChange(r.Context(), r.PathValue("collection"), in.Token, in.Password); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (s *Server) requestOTP(w http.ResponseWriter, r *http.Request) error {
	var in struct {
		Email string `json:"email"`
	}
	if err := decodeStrict(r, &in); err != nil {
		return err
	}
	id, err := s.app.RequestOTP(r.Context(), actorOf(r), r.PathValue("collection"), in.Email)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]string{"otpId": id})
	return nil
}

func (s *Server) authWithOTP(w http.ResponseWriter, r *http.Request) error {
	var in struct {
		OTPID    string `json:"otpId"`
		Password string `json:"password"`
		MFAID    string `json:"mfaId"`
	}
	if err := decodeStrict(r, &in); err != nil {
		return err
	}
	token, rec, err := s.app.AuthWithOTP(r.Context(), actorOf(r), r.PathValue("collection"), in.OTPID, in.Password, mfaID(r, in.MFAID))
	if err != nil {
		return err
	}
	return s.writeAuth(w, r, token, rec)
}

// impersonate answers POST /api/collections/{collection}/impersonate/{id};
// core.App.Impersonate decides access (superusers only).
func (s *Server) impersonate(w http.ResponseWriter, r *http.Request) error {
	var in struct {
		Duration int64 `json:"duration"`
	}
	if err := decodeStrict(r, &in); err != nil {
		return err
	}
	token, rec, err := s.app.Impersonate(r.Context(), actorOf(r), r.PathValue("collection"), r.PathValue("id"), in.Duration)
	if err != nil {
		return err
	}
	return s.writeAuth(w, r, token, rec)
}
