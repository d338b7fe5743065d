import { fireEvent, screen, within } from '@testing-library/react';
import { AtonixServerlessApi } from '../../api';
import { chargeCardDetails, denying, fakeApi } from '../../testing/fixtures';
import { renderWithApi } from '../../__testUtils__/renderWithApi';
import { invokeBodyOf, TestPanel } from './TestPanel';

function renderWith(api: AtonixServerlessApi) {
  return renderWithApi(api, <TestPanel fn={chargeCardDetails} />);
}

const form = {
  source: 'custom-http',
  target: 'function-url',
  method: 'PUT',
  path: '/orders',
  headers: '{"x-test": "yes"}',
  body: '{"amount": 3}',
  ceType: '',
  ceSource: '/portal',
  ceMode: 'structured',
};

describe('TestPanel', () => {
  it('sends the first saved test event to the function URL and shows status, latency, cold start and body', async () => {
    const api = fakeApi();
    const invoke = jest.spyOn(api, 'invokeFunction');
    await renderWith(api);
    expect(
      await screen.findByText('POST /charge', { exact: false }),
    ).toBeInTheDocument();
    fireEvent.click(screen.getByRole('button', { name: 'Send test request' }));
    const result = await screen.findByTestId('test-result');
    expect(invoke).toHaveBeenCalledWith(
      { cluster: 'staging', namespace: 'payments', name: 'charge-card' },
      { target: {}, savedEvent: 'charge-ten' },
    );
    expect(within(result).getByText('HTTP 200')).toBeInTheDocument();
    expect(within(result).getByText('1840 ms')).toBeInTheDocument();
    expect(within(result).getByText('Cold start')).toBeInTheDocument();
    expect(within(result).getByLabelText('Response body')).toHaveTextContent(
      '{"charged":10}',
    );
  });

  it('shows the permission denial when the caller may not invoke the function', async () => {
    await renderWith(fakeApi(denying('invokeFunction')));
    await screen.findByText('POST /charge', { exact: false });
    fireEvent.click(screen.getByRole('button', { name: 'Send test request' }));
    expect(
      await screen.findByText(/Permission denied: the test request/),
    ).toBeInTheDocument();
    expect(
      screen.getByText(/You may not use atonix.function.logs.read/),
    ).toBeInTheDocument();
  });

  it('builds an HTTP request, a CloudEvent for a tagged revision, or says what is wrong', () => {
    expect(invokeBodyOf(form)).toEqual({
      target: {},
      request: {
        method: 'PUT',
        path: '/orders',
        headers: { 'x-test': 'yes' },
        body: { amount: 3 },
      },
    });
    expect(
      invokeBodyOf({
        ...form,
        source: 'custom-cloudevent',
        target: 'charge-card-00001',
        ceType: 'com.atonixcorp.order.created',
      }),
    ).toEqual({
      target: { revision: 'charge-card-00001' },
      cloudEvent: {
        mode: 'structured',
        type: 'com.atonixcorp.order.created',
        source: '/portal',
        data: { amount: 3 },
      },
    });
    expect(invokeBodyOf({ ...form, headers: '["x"]' })).toEqual({
      problem: 'Headers must be a JSON object of names to values',
    });
    expect(invokeBodyOf({ ...form, source: 'custom-cloudevent' })).toEqual({
      problem: 'A CloudEvent needs a type and a source',
    });
  });
});
