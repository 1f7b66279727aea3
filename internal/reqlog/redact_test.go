package reqlog

import "testing"

func TestRedactURL(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"/api/health", "/api/health"},
		{"/api/health?", "/api/health?"},
		{"/api/records?page=2&sort=-created", "/api/records?page=2&sort=-created"},
		{"/api/realtime/ws?token=eyJhbGciOi.x.y", "/api/realtime/ws?token=***"},
		{"/api/oauth2-redirect?state=abc&code=4%2F0Ad&scope=email", "/api/oauth2-redirect?state=***&code=***&scope=email"},
		{"/x?Token=a&TOKEN=b&t%6Fken=c", "/x?Token=***&TOKEN=***&t%6Fken=***"},
		{"/x?a=1;token=s;b=2", "/x?a=1;token=***;b=2"},
		{"/x?password=p&passwordConfirm=p&oldPassword=o&otp=123456&mfaId=m", "/x?password=***&passwordConfirm=***&oldPassword=***&otp=***&mfaId=***"},
		{"/x?token=&code", "/x?token=***&code"},
		{"/x?token=***", "/x?token=***"},
		{"/x?tokens=1&mycode=2", "/x?tokens=1&mycode=2"},
		{"https://app.example.com/cb?code=c&x=1#frag", "https://app.example.com/cb?code=***&x=1#frag"},
		{"/x?a&&token=s&", "/x?a&&token=***&"},
	} {
		if got := RedactURL(tc.in); got != tc.want {
			t.Errorf("RedactURL(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}
